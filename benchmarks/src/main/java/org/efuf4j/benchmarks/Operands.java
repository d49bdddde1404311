package org.efuf4j.benchmarks;

import java.util.SplittableRandom;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/** Random operands in [-1, 1), seeded so every fork of a benchmark multiplies the same numbers. */
final class Operands {
    private Operands() {}

    static Tensor random(DType dtype, long seed, int... shape) {
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        float[] data = new float[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) data[i] = (float) (rnd.nextDouble() * 2 - 1);
        return dtype == DType.F32 ? Tensor.of(data, shape) : Tensor.ofHalf(dtype, data, shape);
    }

    static DType dtype(String name) {
        return switch (name) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            case "f16" -> DType.F16;
            default -> throw new IllegalArgumentException("weight dtype must be f32, bf16 or f16, not '" + name + "'");
        };
    }
}

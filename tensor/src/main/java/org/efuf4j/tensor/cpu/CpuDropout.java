package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.DropoutRng;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Inverted-dropout masks on the host: {@link DropoutRng}'s stream, the same bits on every backend. */
final class CpuDropout {
    private CpuDropout() {}

    static Tensor dropoutMask(float p, long seed, int... shape) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        float[] out = new float[Math.toIntExact(Shapes.numel(shape))];
        Parallel.forRange(out.length, 4096, (s, e) -> {
            for (int i = s; i < e; i++) out[i] = DropoutRng.maskValue(seed, i, p);
        });
        return CpuBackwardArrays.tensor(out, shape);
    }
}

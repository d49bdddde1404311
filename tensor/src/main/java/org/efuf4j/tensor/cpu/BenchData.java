package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Tensor;

/** Deterministic pseudo-random benchmark operands, filled quickly enough for weights of hundreds of MB. */
final class BenchData {
    private BenchData() {}

    /** Values uniform in [-1, 1) from a 64-bit LCG, stored as {@code dtype}. */
    static Tensor random(DType dtype, long seed, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        MemorySegment s = t.hostSegment();
        long state = seed * 0x9E3779B97F4A7C15L + 1;
        long n = t.numel();
        for (long i = 0; i < n; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            HostAccess.writeFloat(s, dtype, i, (state >>> 40) * 0x1p-23f - 1f);
        }
        return t;
    }
}

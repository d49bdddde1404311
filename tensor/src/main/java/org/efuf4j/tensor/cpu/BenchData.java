package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.Bursts;

/** Operands and timing helpers shared by the GEMM and matrix-vector bench suites. */
final class BenchData {
    private BenchData() {}

    /** Values uniform in [-1, 1) from a 64-bit LCG, stored as {@code dtype}; fast enough for weights of hundreds of MB. */
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

    /**
     * Wall seconds per call (the median of {@link BenchContext#time}) and process CPU seconds per call over the
     * same run. On a shared, overloaded machine wall time mostly measures the scheduler; work per CPU second
     * still compares kernels fairly (numpy_gemm.py reports the same pair).
     */
    record Timing(double wallSeconds, double cpuSeconds) {}

    static Timing time(BenchContext ctx, double seconds, Runnable body) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Bursts.warmUp(body, ctx.quick() ? 0.1 : 0.5);
        long[] calls = {0};
        long cpu0 = os.getProcessCpuTime();
        double wall = ctx.time(seconds, () -> {
            body.run();
            calls[0]++;
        });
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / calls[0];
        return new Timing(wall, cpu);
    }
}

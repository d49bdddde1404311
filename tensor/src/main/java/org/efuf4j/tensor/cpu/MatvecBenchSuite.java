package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * Decode-step matrix-vector product (one token times a BF16, F16 or F32 weight {@code [out, in]} larger than the last-level
 * cache) in GB/s of weight streamed, next to a STREAM-style copy measured in the same run: the matvec
 * should run at memory speed.
 */
public final class MatvecBenchSuite implements BenchSuite {
    @Override public String name() { return "matvec"; }

    @Override public String description() { return "bf16/f16/f32 matvec GB/s against a STREAM-style copy"; }

    @Override public void run(BenchContext ctx) {
        Parallel.setThreads(ctx.threads());
        int n = ctx.quick() ? 2048 : 8192;
        double copy = streamCopy(ctx, ctx.quick() ? 1 << 22 : 1 << 25);
        ctx.result("stream-copy", "mib", (8L << (ctx.quick() ? 22 : 25)) >> 20, "threads", ctx.threads(), "gbs", copy);
        for (DType dtype : new DType[] {DType.BF16, DType.F16, DType.F32}) {
            Tensor w = BenchData.random(dtype, 7, n, n);
            Tensor x = BenchData.random(DType.F32, 8, 1, n);
            double sec = ctx.time(2.0, () -> CpuBackend.INSTANCE.linear(x, w, null));
            double gbs = (double) n * n * dtype.byteSize() / sec / 1e9;
            ctx.result("matvec", "out", n, "in", n, "dtype", dtype.name().toLowerCase(java.util.Locale.ROOT), "threads", ctx.threads(),
                    "gbs", gbs, "vs_copy", gbs / copy);
        }
    }

    /** Copy bandwidth between two float arrays of {@code floats} elements, counting bytes read plus bytes written. */
    private static double streamCopy(BenchContext ctx, int floats) {
        float[] src = new float[floats], dst = new float[floats];
        java.util.Arrays.fill(src, 1f);
        int chunk = 1 << 16;
        double sec = ctx.time(2.0, () -> Parallel.forRange(floats / chunk, 1, (c0, c1) -> System.arraycopy(src, c0 * chunk, dst, c0 * chunk, (c1 - c0) * chunk)));
        return 2.0 * floats * 4 / sec / 1e9;
    }
}

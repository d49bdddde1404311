package org.efuf4j.tensor.cpu;

import java.util.Random;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * {@code efuf bench elementwise}: memory throughput of the elementwise, reduction and norm kernels on an
 * activation-sized tensor, counting the bytes each call must read and write. A second set of lines checks
 * that the vector loops do not box: the bytes a loop allocates on the calling thread, per element.
 */
public final class ElementwiseBench implements BenchSuite {
    private static final int[] SHAPE = {16, 64, 1024};

    @Override public String name() { return "elementwise"; }

    @Override public String description() { return "GB/s of add, gelu, softmax, layernorm, rmsnorm, sum on 16x64x1024; allocation per element of the vector loops"; }

    @Override public void run(BenchContext ctx) {
        Random r = new Random(1);
        int n = SHAPE[0] * SHAPE[1] * SHAPE[2], d = SHAPE[2];
        float[] data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float) r.nextGaussian();
        Tensor x = Tensor.of(data, SHAPE), y = Tensor.of(data.clone(), SHAPE);
        Tensor xb = x.to(DType.BF16);
        Tensor w = Tensor.of(new float[d], d), b = Tensor.of(new float[d], d);
        long f = 4L * n;
        measure(ctx, "add", "f32", 3 * f, () -> CpuElementwise.binary(BinaryOp.ADD, x, y));
        measure(ctx, "add_row_broadcast", "f32", 2 * f, () -> CpuElementwise.binary(BinaryOp.ADD, x, b));
        measure(ctx, "gelu", "f32", 2 * f, () -> CpuElementwise.unary(UnaryOp.GELU_ERF, x));
        measure(ctx, "gelu", "bf16", f / 2 + f, () -> CpuElementwise.unary(UnaryOp.GELU_ERF, xb));
        measure(ctx, "gelu_tanh", "f32", 2 * f, () -> CpuElementwise.unary(UnaryOp.GELU_TANH, x));
        measure(ctx, "silu", "f32", 2 * f, () -> CpuElementwise.unary(UnaryOp.SILU, x));
        measure(ctx, "softmax", "f32", 2 * f, () -> CpuReductions.softmax(x));
        measure(ctx, "layernorm", "f32", 2 * f, () -> CpuNorms.layerNorm(x, w, b, 1e-5f));
        measure(ctx, "rmsnorm", "f32", 2 * f, () -> CpuNorms.rmsNorm(x, w, 1e-6f));
        measure(ctx, "sum_last", "f32", f, () -> CpuReductions.reduce(ReduceOp.SUM, x, -1, false));
        measure(ctx, "sum_first", "f32", f, () -> CpuReductions.reduce(ReduceOp.SUM, x, 0, false));
        measure(ctx, "transpose_add", "f32", 3 * f, () -> CpuElementwise.binary(BinaryOp.ADD, x.transpose(1, 2), y.transpose(1, 2)));

        // The boxing check runs the row loops themselves on this thread (no pool, no result tensors).
        float[] out = new float[n];
        for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU_ERF, UnaryOp.GELU_TANH, UnaryOp.SILU, UnaryOp.EXP, UnaryOp.TANH, UnaryOp.LOG})
            allocation(ctx, op.name().toLowerCase(java.util.Locale.ROOT), n, () -> CpuElementwise.apply(op, data, 0, out, 0, n));
        allocation(ctx, "add", n, () -> CpuElementwise.rowRow(BinaryOp.ADD, data, 0, data, 0, out, 0, n));
        allocation(ctx, "softmax_row", n, () -> {
            for (int row = 0; row < n; row += d) CpuReductions.expShifted(data, row, CpuReductions.max(data, row, d), out, row, d);
        });
    }

    private static void measure(BenchContext ctx, String op, String dtype, long bytes, Runnable body) {
        double s = ctx.time(1.0, body);
        ctx.result("elementwise", "op", op, "shape", "16x64x1024", "dtype", dtype, "threads", ctx.threads(), "gbps", bytes / s / 1e9, "ms", s * 1e3);
    }

    /** The least allocation over a few rounds after warm-up, so a late JIT compilation does not count as boxing. */
    private static void allocation(BenchContext ctx, String op, int elements, Runnable loop) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ctx.time(0.5, loop);
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            loop.run();
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        ctx.result("elementwise-alloc", "op", op, "bytes_per_element", (double) least / elements);
    }
}

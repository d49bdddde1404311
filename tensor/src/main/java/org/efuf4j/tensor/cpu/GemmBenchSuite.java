package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * Square GEMM throughput through the backend: {@code a @ b} in F32, and {@code x W^T} with the weight
 * stored {@code [out, in]} in F32 and BF16 (the transformer case). Compare with
 * {@code scripts/bench/numpy_gemm.py}, run back to back on the same machine.
 */
public final class GemmBenchSuite implements BenchSuite {
    @Override public String name() { return "gemm"; }

    @Override public String description() { return "square GEMM GFLOP/s: f32 matmul, f32 and bf16-weight linear"; }

    @Override public void run(BenchContext ctx) {
        int[] sizes = ctx.quick() ? new int[] {256, 512} : new int[] {256, 512, 1024, 2048};
        Parallel.setThreads(ctx.threads());
        warmUp(ctx);
        for (int n : sizes) {
            Tensor a = BenchData.random(DType.F32, 1, n, n);
            Tensor b = BenchData.random(DType.F32, 2, n, n);
            Tensor wBf16 = BenchData.random(DType.BF16, 3, n, n);
            double flops = 2.0 * n * n * n;
            double seconds = n >= 1024 ? 2.0 : 1.0;
            var f32 = BenchData.time(ctx, seconds, () -> CpuBackend.INSTANCE.matmul(a, b));
            report(ctx, n, "f32", "matmul", flops, f32);
            report(ctx, n, "f32", "linear", flops, BenchData.time(ctx, seconds, () -> CpuBackend.INSTANCE.linear(a, b, null)));
            var bf16 = BenchData.time(ctx, seconds, () -> CpuBackend.INSTANCE.linear(a, wBf16, null));
            report(ctx, n, "bf16", "linear", flops, bf16);
            ctx.result("gemm-bf16-vs-f32", "n", n, "wall", f32.wallSeconds() / bf16.wallSeconds(), "cpu", f32.cpuSeconds() / bf16.cpuSeconds());
        }
    }

    /**
     * Runs every path until C2 has compiled it before anything is timed; on a loaded machine the compiler
     * threads get little CPU and take seconds, which would otherwise land in the first size's numbers.
     */
    private static void warmUp(BenchContext ctx) {
        Tensor a = BenchData.random(DType.F32, 4, 256, 256), w = BenchData.random(DType.BF16, 5, 256, 256);
        long end = System.nanoTime() + (ctx.quick() ? 1_000_000_000L : 5_000_000_000L);
        while (System.nanoTime() < end) {
            CpuBackend.INSTANCE.matmul(a, a);
            CpuBackend.INSTANCE.linear(a, a, null);
            CpuBackend.INSTANCE.linear(a, w, null);
        }
    }

    /** {@code cpu_gflops}: work per process CPU second, comparable with numpy_gemm.py when the machine is shared. */
    private static void report(BenchContext ctx, int n, String dtype, String op, double flops, BenchData.Timing t) {
        ctx.result("gemm", "n", n, "dtype", dtype, "op", op, "threads", ctx.threads(), "gflops", flops / t.wallSeconds() / 1e9,
                "cpu_gflops", flops / t.cpuSeconds() / 1e9);
    }
}

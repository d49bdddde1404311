package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * Square GEMM throughput through the backend: {@code a @ b} in F32 (op {@code matmul}, a fresh output per call, and
 * op {@code sgemm}, into one output kept across calls as BLAS sgemm works), and {@code x W^T} with the weight
 * stored {@code [out, in]} in F32 and BF16 (the transformer case). Compare with
 * {@code scripts/bench/numpy_gemm.py}, run back to back on the same machine.
 */
public final class GemmBenchSuite implements BenchSuite {
    @Override public String name() { return "gemm"; }

    @Override public String description() { return "square GEMM GFLOP/s: f32 matmul (fresh output) and sgemm (kept output), f32 and bf16-weight linear"; }

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
            report(ctx, n, "f32", "sgemm", flops, BenchData.time(ctx, seconds, GemmBursts.intoKeptOutput(a, b)));
            report(ctx, n, "f32", "linear", flops, BenchData.time(ctx, seconds, () -> CpuBackend.INSTANCE.linear(a, b, null)));
            var bf16 = BenchData.time(ctx, seconds, () -> CpuBackend.INSTANCE.linear(a, wBf16, null));
            report(ctx, n, "bf16", "linear", flops, bf16);
            ctx.result("gemm-bf16-vs-f32", "n", n, "wall", f32.wallSeconds() / bf16.wallSeconds(), "cpu", f32.cpuSeconds() / bf16.cpuSeconds());
        }
        microKernelCeiling(ctx);
    }

    /**
     * The register-blocked micro-kernel alone on one thread, on packed operands that stay in L1/L2 (a {@code 144 x KC}
     * A block, one B micro-panel): the ceiling any GEMM built on it can reach per core, free of packing, C traffic and
     * threading. {@code ceiling_share} is what the whole single-threaded GEMM achieves of it.
     */
    private static void microKernelCeiling(BenchContext ctx) {
        int kc = Gemm.KC, rows = 144, panels = rows / Gemm.MR;
        float[] pa = new float[rows * kc], pb = new float[Gemm.NR * kc], tile = new float[rows * Gemm.NR];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < pa.length; i++) pa[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < pb.length; i++) pb[i] = r.nextFloat() - 0.5f;
        Runnable block = () -> {
            for (int ip = 0; ip < panels; ip++) Gemm.kernel(pa, ip * Gemm.MR * kc, pb, 0, kc, tile, ip * Gemm.MR * Gemm.NR, Gemm.NR);
        };
        double flops = 2.0 * rows * Gemm.NR * kc;
        var kernel = BenchData.time(ctx, ctx.quick() ? 0.3 : 2.0, block);
        int n = 1024;
        Tensor a = BenchData.random(DType.F32, 8, n, n), b = BenchData.random(DType.F32, 9, n, n);
        int threads = Parallel.threads();
        Parallel.setThreads(1);
        try {
            var whole = BenchData.time(ctx, ctx.quick() ? 0.3 : 2.0, () -> CpuBackend.INSTANCE.matmul(a, b));
            double kernelGflops = flops / kernel.wallSeconds() / 1e9, gemmGflops = 2.0 * n * n * n / whole.wallSeconds() / 1e9;
            ctx.result("gemm-kernel", "mr", Gemm.MR, "nr", Gemm.NR, "kc", kc, "threads", 1, "gflops", kernelGflops,
                    "gemm_n1024_gflops", gemmGflops, "ceiling_share", gemmGflops / kernelGflops);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /** Every path compiled by C2 before anything is timed (see {@link org.efuf4j.tensor.bench.Bursts#warmUp}). */
    private static void warmUp(BenchContext ctx) {
        Tensor a = BenchData.random(DType.F32, 4, 256, 256), w = BenchData.random(DType.BF16, 5, 256, 256);
        org.efuf4j.tensor.bench.Bursts.warmUp(() -> {
            CpuBackend.INSTANCE.matmul(a, a);
            CpuBackend.INSTANCE.linear(a, a, null);
            CpuBackend.INSTANCE.linear(a, w, null);
        }, ctx.quick() ? 0.2 : 1.0);
    }

    /** {@code cpu_gflops}: work per process CPU second, comparable with numpy_gemm.py when the machine is shared. */
    private static void report(BenchContext ctx, int n, String dtype, String op, double flops, BenchData.Timing t) {
        ctx.result("gemm", "n", n, "dtype", dtype, "op", op, "threads", ctx.threads(), "gflops", flops / t.wallSeconds() / 1e9,
                "cpu_gflops", flops / t.cpuSeconds() / 1e9);
    }
}

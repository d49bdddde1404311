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
        for (int n : sizes) {
            Tensor a = BenchData.random(DType.F32, 1, n, n);
            Tensor b = BenchData.random(DType.F32, 2, n, n);
            Tensor wBf16 = BenchData.random(DType.BF16, 3, n, n);
            double flops = 2.0 * n * n * n;
            double seconds = n >= 1024 ? 2.0 : 1.0;
            double f32 = ctx.time(seconds, () -> CpuBackend.INSTANCE.matmul(a, b));
            ctx.result("gemm", "n", n, "dtype", "f32", "op", "matmul", "threads", ctx.threads(), "gflops", flops / f32 / 1e9);
            double f32Linear = ctx.time(seconds, () -> CpuBackend.INSTANCE.linear(a, b, null));
            ctx.result("gemm", "n", n, "dtype", "f32", "op", "linear", "threads", ctx.threads(), "gflops", flops / f32Linear / 1e9);
            double bf16 = ctx.time(seconds, () -> CpuBackend.INSTANCE.linear(a, wBf16, null));
            ctx.result("gemm", "n", n, "dtype", "bf16", "op", "linear", "threads", ctx.threads(), "gflops", flops / bf16 / 1e9,
                    "vs_f32", f32 / bf16);
        }
    }
}

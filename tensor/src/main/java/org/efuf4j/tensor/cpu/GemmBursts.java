package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.Bursts;

/**
 * F32 GEMM bursts for {@code scripts/bench/gemm_interleaved.py} ({@link Bursts} protocol; the workload words are
 * {@code m k n}: an {@code [m, k] x [k, n]} product). Usage: {@code java ... GemmBursts <threads>}.
 */
public final class GemmBursts {
    private GemmBursts() {}

    public static void main(String[] args) throws Exception {
        Parallel.setThreads(args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors());
        Bursts.serve(words -> {
            int m = Integer.parseInt(words.get(0)), k = Integer.parseInt(words.get(1)), n = Integer.parseInt(words.get(2));
            Tensor a = BenchData.random(DType.F32, 1, m, k), b = BenchData.random(DType.F32, 2, k, n);
            return () -> CpuBackend.INSTANCE.matmul(a, b);
        });
    }
}

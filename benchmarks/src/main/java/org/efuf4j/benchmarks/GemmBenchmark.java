package org.efuf4j.benchmarks;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Square GEMM: {@code a @ b} in F32 (NumPy's {@code a @ b}) and {@code x W^T} with an {@code [n, n]} weight stored F32
 * or BF16 (a linear layer). FLOP per call: {@code 2 n^3}; GFLOP/s = {@code 2 n^3 / (us per op * 1e3)}. The
 * reference is {@code scripts/bench/gemm_interleaved.py}, which alternates bursts with NumPy.
 */
public class GemmBenchmark extends KernelBenchmark {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    @Param({"f32", "bf16"})
    public String weight;

    private final Backend cpu = Backends.cpu();
    private Tensor a, b, w;

    @Setup
    public void setUp() {
        pool();
        a = Operands.random(DType.F32, 1, n, n);
        b = Operands.random(DType.F32, 2, n, n);
        w = Operands.random(Operands.dtype(weight), 3, n, n);
    }

    @Benchmark
    public Tensor matmul() {
        return cpu.matmul(a, b);
    }

    @Benchmark
    public Tensor linear() {
        return cpu.linear(a, w, null);
    }
}

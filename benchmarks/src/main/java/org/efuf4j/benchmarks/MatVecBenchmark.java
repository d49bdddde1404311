package org.efuf4j.benchmarks;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * A linear layer at batch 1, the step decoding repeats for every weight: {@code x[1, in] W[out, in]^T}. The weight is
 * read once per call, so the rate is memory bandwidth: GB/s = {@code out * in * bytes per weight / (us per op * 1e3)}
 * (8192 x 8192 F32: 268 MB; the LLaMA-7B MLP's 11008 x 4096 BF16: 90 MB). NumPy's {@code w @ x} on the same F32
 * weight is the reference ({@code gemm_interleaved.py --layout weight --sizes 1x8192x8192}).
 */
public class MatVecBenchmark extends KernelBenchmark {
    /** out x in. */
    @Param({"8192x8192", "11008x4096", "4096x11008"})
    public String shape;

    @Param({"f32", "bf16"})
    public String weight;

    private final Backend cpu = Backends.cpu();
    private Tensor x, w;

    @Setup
    public void setUp() {
        pool();
        String[] dims = shape.split("x");
        int out = Integer.parseInt(dims[0]), in = Integer.parseInt(dims[1]);
        x = Operands.random(DType.F32, 1, 1, in);
        w = Operands.random(Operands.dtype(weight), 2, out, in);
    }

    @Benchmark
    public Tensor linear() {
        return cpu.linear(x, w, null);
    }
}

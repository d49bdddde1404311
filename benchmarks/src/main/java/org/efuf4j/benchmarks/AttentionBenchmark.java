package org.efuf4j.benchmarks;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Causal attention forward, F32: a small-head training shape and a long LLaVA-like prefill (batch, heads, sequence,
 * head dim). Counting only visible pairs, a call is {@code 4 d b h t (t + 1) / 2} FLOP, the basis
 * {@code scripts/bench/torch_attention.py} reports torch on.
 */
public class AttentionBenchmark extends KernelBenchmark {
    @Param({"16x4x64x64", "1x32x600x128"})
    public String shape;

    private final Backend cpu = Backends.cpu();
    private Tensor q, k, v;
    private float scale;

    @Setup
    public void setUp() {
        pool();
        String[] s = shape.split("x");
        int b = Integer.parseInt(s[0]), h = Integer.parseInt(s[1]), t = Integer.parseInt(s[2]), d = Integer.parseInt(s[3]);
        q = Operands.random(DType.F32, 1, b, h, t, d);
        k = Operands.random(DType.F32, 2, b, h, t, d);
        v = Operands.random(DType.F32, 3, b, h, t, d);
        scale = (float) (1 / Math.sqrt(d));
    }

    @Benchmark
    public Tensor forward() {
        return cpu.attention(q, k, v, AttentionMask.CAUSAL, scale);
    }
}

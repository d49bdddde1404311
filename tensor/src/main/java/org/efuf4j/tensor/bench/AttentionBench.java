package org.efuf4j.tensor.bench;

import java.util.Random;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;

/**
 * Causal attention forward on the CPU backend for a small-head training shape and a long-context
 * LLaVA-like prefill. GFLOP/s count only the visible (query, key) pairs, 4 D flops each (q.k and p*v),
 * so a kernel that skips masked blocks is not credited for work it does not need;
 * {@code scripts/bench/torch_attention.py} prints torch on the same basis.
 */
public final class AttentionBench implements BenchSuite {
    /** batch, heads, sequence, head dim. */
    private static final int[][] SHAPES = {{16, 4, 64, 64}, {1, 32, 600, 128}};

    @Override public String name() { return "attention"; }

    @Override public String description() { return "causal scaled-dot-product attention forward (flash-style, F32)"; }

    @Override public void run(BenchContext ctx) {
        Parallel.setThreads(ctx.threads());
        Backend cpu = Backends.cpu();
        Random rnd = new Random(1);
        warmUp(cpu, rnd, ctx.quick() ? 10 : 40);
        for (int[] s : SHAPES) {
            int b = s[0], h = s[1], t = s[2], d = s[3];
            Tensor q = random(rnd, b, h, t, d), k = random(rnd, b, h, t, d), v = random(rnd, b, h, t, d);
            float scale = (float) (1 / Math.sqrt(d));
            double seconds = ctx.time(2.0, () -> cpu.attention(q, k, v, AttentionMask.CAUSAL, scale));
            double visiblePairs = (double) t * (t + 1) / 2;
            double flops = 4.0 * b * h * d * visiblePairs;
            ctx.result("attention", "b", b, "h", h, "t", t, "d", d, "threads", ctx.threads(), "ms", seconds * 1e3, "gflops", flops / seconds / 1e9);
        }
    }

    /**
     * Vector API code runs boxed (hundreds of times slower) until the JIT compiles it, and one such call of a
     * large shape can outlast the time-based warm-up of {@link BenchContext#time}; so first run a small
     * problem a fixed number of times to get the kernels compiled.
     */
    private static void warmUp(Backend cpu, Random rnd, int calls) {
        Tensor x = random(rnd, 2, 2, 64, 64);
        for (int i = 0; i < calls; i++) cpu.attention(x, x, x, AttentionMask.CAUSAL, 0.125f);
    }

    private static Tensor random(Random rnd, int... shape) {
        float[] a = new float[Math.toIntExact(org.efuf4j.tensor.Shapes.numel(shape))];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        return Tensor.of(a, shape);
    }
}

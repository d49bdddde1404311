package org.efuf4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.Random;

import org.efuf4j.autograd.nn.Init;
import org.efuf4j.autograd.nn.KvCache;
import org.efuf4j.autograd.nn.LlamaDecoderLayer;
import org.efuf4j.autograd.nn.Linear;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Training mechanics on the CPU backend: frozen half weights, gradient accumulation, graph release, KV cache. */
class TrainingBehaviourTest {
    private static void close(float[] expected, float[] actual, double rtol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++)
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-6 + rtol * Math.abs(expected[i]), what + " element " + i + ": " + expected[i] + " vs " + actual[i]);
    }

    @Test
    void frozenBf16WeightPassesActivationGradientsWithoutWeightGradient() {
        Random r = new Random(1);
        Tensor w32 = Init.normal(r, 0.5f, 7, 13);
        Tensor wBf16 = w32.to(DType.BF16);
        Tensor widened = wBf16.to(DType.F32); // the exact values the BF16 kernel sees
        Variable frozen = Variable.constant(wBf16);
        Variable x = Variable.leaf(Init.normal(r, 1f, 3, 5, 13));
        Tensor up = Init.normal(r, 1f, 3, 5, 7);
        MatrixOps.linear(x, frozen, null).backward(up);
        assertNull(frozen.grad());
        assertSame(wBf16, frozen.value(), "the frozen weight stays in its BF16 storage");
        // dx = up @ W with W widened: checked against a plain double loop.
        float[] u = up.toFloatArray(), w = widened.toFloatArray(), dx = x.grad().toFloatArray();
        float[] expected = new float[15 * 13];
        for (int row = 0; row < 15; row++)
            for (int c = 0; c < 13; c++) {
                double s = 0;
                for (int o = 0; o < 7; o++) s += (double) u[row * 7 + o] * w[o * 13 + c];
                expected[row * 13 + c] = (float) s;
            }
        close(expected, dx, 1e-5, "dx through a BF16 weight");
    }

    @Test
    void gradientAccumulationOverMicroBatchesEqualsTheFullBatch() {
        Random r = new Random(2);
        Linear full = new Linear(6, 4, true, new Random(3)), micro = new Linear(6, 4, true, new Random(3));
        Tensor x = Init.normal(r, 1f, 4, 6);
        Tensor targets = Tensor.ofLongs(new long[] {0, 3, 1, 2}, 4, 1);
        Losses.tokenCrossEntropy(full.forward(Variable.constant(x)).reshape(4, 1, 4), targets, Losses.Reduction.SUM).backward();
        for (int half = 0; half < 2; half++) {
            Variable xs = Variable.constant(x.slice(0, 2 * half, 2 * half + 2));
            Losses.tokenCrossEntropy(micro.forward(xs).reshape(2, 1, 4), targets.slice(0, 2 * half, 2 * half + 2), Losses.Reduction.SUM).backward();
        }
        close(full.weight.grad().toFloatArray(), micro.weight.grad().toFloatArray(), 1e-5, "accumulated weight gradient");
        close(full.bias.grad().toFloatArray(), micro.bias.grad().toFloatArray(), 1e-5, "accumulated bias gradient");
    }

    @Test
    void activationsAreReleasedAfterBackward() throws InterruptedException {
        Linear layer = new Linear(64, 64, true, new Random(4));
        Variable x = Variable.leaf(Init.normal(new Random(5), 1f, 32, 64));
        Variable pre = layer.forward(x);
        // The GELU node saves its input for backward: the graph must keep it alive until backward, then drop it.
        WeakReference<Tensor> activation = new WeakReference<>(pre.value());
        Variable loss = Activations.geluErf(pre).sum();
        pre = null;
        System.gc();
        Thread.sleep(10);
        assertTrue(activation.get() != null, "the graph must hold the saved activation before backward");
        loss.backward();
        for (int i = 0; i < 20 && activation.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(activation.get(), "an intermediate activation is still reachable after backward");
    }

    @Test
    void dropoutModuleMasksOnlyInTrainingAndDrawsFreshMasks() {
        org.efuf4j.autograd.nn.Dropout drop = new org.efuf4j.autograd.nn.Dropout(0.5f, 7L);
        Variable x = Variable.leaf(Init.constant(1f, 1000));
        float[] a = drop.forward(x).value().toFloatArray(), b = drop.forward(x).value().toFloatArray();
        int zeros = 0, differ = 0;
        for (int i = 0; i < a.length; i++) {
            assertTrue(a[i] == 0f || a[i] == 2f, "inverted dropout keeps x / (1 - p)");
            if (a[i] == 0f) zeros++;
            if (a[i] != b[i]) differ++;
        }
        // Binomial(1000, 0.5): mean 500, sd ~16; successive calls draw independent masks (~500 differences).
        assertTrue(Math.abs(zeros - 500) < 80, "zeros " + zeros);
        assertTrue(differ > 300, "successive masks differ in only " + differ + " places");
        drop.eval();
        assertSame(x, drop.forward(x), "eval mode is the identity");
    }

    @Test
    void kvCacheDecodingMatchesTheFullCausalForward() {
        Random r = new Random(6);
        LlamaDecoderLayer layer = new LlamaDecoderLayer(16, 4, 2, 24, 10000f, 1e-6f, r);
        Tensor x = Init.normal(r, 1f, 2, 5, 16);
        long[] pos = new long[10];
        for (int b = 0; b < 2; b++) for (int t = 0; t < 5; t++) pos[b * 5 + t] = t;
        try (NoGrad scope = NoGrad.enter()) {
            float[] full = layer.forward(Variable.constant(x), AttentionMask.CAUSAL, Tensor.ofLongs(pos, 2, 5), null).value().toFloatArray();
            KvCache cache = new KvCache(Backends.cpu(), 2, 2, 8, 4);
            // A 3-token prompt, then two single-token steps.
            int[][] chunks = {{0, 3}, {3, 4}, {4, 5}};
            for (int[] c : chunks) {
                int n = c[1] - c[0];
                long[] p = new long[2 * n];
                for (int b = 0; b < 2; b++) for (int t = 0; t < n; t++) p[b * n + t] = c[0] + t;
                Tensor out = layer.forward(Variable.constant(x.slice(1, c[0], c[1])), AttentionMask.CAUSAL, Tensor.ofLongs(p, 2, n), cache).value();
                float[] step = out.toFloatArray();
                for (int b = 0; b < 2; b++)
                    for (int t = 0; t < n; t++)
                        for (int d = 0; d < 16; d++)
                            assertEquals(full[(b * 5 + c[0] + t) * 16 + d], step[(b * n + t) * 16 + d], 1e-5, "position " + (c[0] + t));
            }
            assertEquals(5, cache.length());
        }
    }
}

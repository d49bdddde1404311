package org.efuf4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every op's backward against double-precision finite differences on random shapes (see {@link GradCheck}). */
class OpGradientTest {
    private static int between(Random r, int lo, int hi) { return lo + r.nextInt(hi - lo + 1); }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void broadcastArithmetic(int seed) {
        Random r = new Random(seed);
        int a = between(r, 1, 3), b = between(r, 2, 5), c = between(r, 1, 4);
        GradCheck.check("add", r, v -> Arithmetic.add(v[0], v[1]), GradCheck.rand(r, a, b, c), GradCheck.rand(r, b, 1));
        GradCheck.check("sub", r, v -> Arithmetic.sub(v[0], v[1]), GradCheck.rand(r, c), GradCheck.rand(r, a, b, c));
        GradCheck.check("mul", r, v -> Arithmetic.mul(v[0], v[1]), GradCheck.rand(r, a, 1, c), GradCheck.rand(r, b, 1));
        GradCheck.check("div", r, v -> Arithmetic.div(v[0], v[1]), GradCheck.rand(r, a, b, c), GradCheck.uniform(r, 0.5, 2, 1, c));
        GradCheck.check("affine", r, v -> Arithmetic.affine(v[0], 1.5f, -0.25f), GradCheck.rand(r, a, b));
        GradCheck.check("reuse", r, v -> Arithmetic.mul(v[0], Arithmetic.add(v[0], v[0])), GradCheck.rand(r, b, c));
    }

    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"GELU_ERF", "GELU_TANH", "QUICK_GELU", "SILU", "TANH", "SIGMOID", "EXP", "LOG", "NEG", "SQRT", "RSQRT", "SQUARE", "RECIPROCAL"})
    void activations(UnaryOp op) {
        Random r = new Random(op.ordinal());
        boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.RECIPROCAL;
        Tensor x = positive ? GradCheck.uniform(r, 0.3, 3, 3, 7) : GradCheck.uniform(r, -3, 3, 3, 7);
        GradCheck.check(op.name(), r, v -> Activations.apply(op, v[0]), x);
    }

    @Test
    void reductions() {
        Random r = new Random(4);
        GradCheck.check("sum axis 1", r, v -> Reductions.sum(v[0], 1, false), GradCheck.rand(r, 2, 3, 4));
        GradCheck.check("mean axis -1 keep", r, v -> Reductions.mean(v[0], -1, true), GradCheck.rand(r, 2, 3, 5));
        GradCheck.check("sumAll", r, v -> v[0].sum(), GradCheck.rand(r, 3, 5));
        GradCheck.check("meanAll", r, v -> v[0].mean(), GradCheck.rand(r, 3, 5));
    }

    @Test
    void layout() {
        Random r = new Random(5);
        GradCheck.check("reshape", r, v -> v[0].reshape(6, -1), GradCheck.rand(r, 2, 3, 4));
        GradCheck.check("permute", r, v -> v[0].permute(2, 0, 1), GradCheck.rand(r, 2, 3, 4));
        GradCheck.check("transpose then reshape", r, v -> v[0].transpose(0, 1).reshape(-1), GradCheck.rand(r, 2, 3));
        GradCheck.check("slice", r, v -> v[0].slice(1, 1, 3), GradCheck.rand(r, 2, 4, 3));
        GradCheck.check("concat", r, v -> Shaping.concat(1, v[0], v[1], v[0]), GradCheck.rand(r, 2, 1, 3), GradCheck.rand(r, 2, 2, 3));
    }

    @Test
    void matmulAndLinear() {
        Random r = new Random(6);
        GradCheck.check("matmul broadcast", r, v -> MatrixOps.matmul(v[0], v[1]), GradCheck.rand(r, 2, 3, 4), GradCheck.rand(r, 4, 5));
        GradCheck.check("matmul batched", r, v -> MatrixOps.matmul(v[0], v[1]), GradCheck.rand(r, 2, 1, 3, 4), GradCheck.rand(r, 3, 4, 2));
        GradCheck.check("linear", r, v -> MatrixOps.linear(v[0], v[1], v[2]), GradCheck.rand(r, 2, 3, 5), GradCheck.rand(r, 4, 5), GradCheck.rand(r, 4));
        GradCheck.check("linear no bias", r, v -> MatrixOps.linear(v[0], v[1], null), GradCheck.rand(r, 3, 5), GradCheck.rand(r, 2, 5));
    }

    @Test
    void frozenWeightGetsNoGradient() {
        Random r = new Random(7);
        Variable x = Variable.leaf(GradCheck.rand(r, 3, 4));
        Variable w = Variable.constant(GradCheck.rand(r, 2, 4));
        MatrixOps.linear(x, w, null).sum().backward();
        assertNull(w.grad());
        assertEquals(12, x.grad().numel());
    }

    @Test
    void softmaxes() {
        Random r = new Random(8);
        GradCheck.check("softmax", r, v -> SoftmaxOps.softmax(v[0]), GradCheck.uniform(r, -2, 2, 3, 5));
        GradCheck.check("logSoftmax", r, v -> SoftmaxOps.logSoftmax(v[0]), GradCheck.uniform(r, -2, 2, 2, 2, 6));
    }

    @Test
    void norms() {
        Random r = new Random(9);
        GradCheck.check("layerNorm", r, v -> Normalization.layerNorm(v[0], v[1], v[2], 1e-5f), GradCheck.rand(r, 2, 3, 7), GradCheck.rand(r, 7), GradCheck.rand(r, 7));
        GradCheck.check("layerNorm no affine", r, v -> Normalization.layerNorm(v[0], null, null, 1e-5f), GradCheck.rand(r, 4, 5));
        GradCheck.check("rmsNorm", r, v -> Normalization.rmsNorm(v[0], v[1], 1e-6f), GradCheck.rand(r, 2, 3, 6), GradCheck.rand(r, 6));
    }

    @Test
    void rope() {
        Random r = new Random(10);
        Tensor positions = Tensor.ofLongs(new long[] {0, 1, 2, 7, 3, 4, 5, 9}, 2, 4);
        GradCheck.check("rope", r, v -> Positions.rope(v[0], positions, 10000f), GradCheck.rand(r, 2, 3, 4, 6));
    }

    @Test
    void embeddingAndPatches() {
        Random r = new Random(11);
        Tensor ids = Tensor.ofLongs(new long[] {3, 0, 3, 1, 4, 3}, 2, 3);
        GradCheck.check("embedding repeated ids", r, v -> Lookups.embedding(v[0], ids), GradCheck.rand(r, 5, 4));
        Tensor images = GradCheck.rand(r, 2, 3, 4, 6);
        GradCheck.check("patch embedding", r, v -> Lookups.patchEmbedding(images, v[0], v[1]), GradCheck.rand(r, 5, 3, 2, 2), GradCheck.rand(r, 5));
    }

    @Test
    void attention() {
        Random r = new Random(12);
        Tensor pad = Tensor.ofLongs(new long[] {1, 1, 1, 0, 0, 1, 1, 1}, 2, 4);
        AttentionMask[] masks = {AttentionMask.NONE, AttentionMask.CAUSAL, AttentionMask.padding(pad), AttentionMask.causal(pad, 0)};
        for (AttentionMask m : masks) {
            GradCheck.check("attention " + m.causal(), r, v -> AttentionOps.attention(v[0], v[1], v[2], m, 0.5f),
                    GradCheck.rand(r, 2, 2, 4, 3), GradCheck.rand(r, 2, 2, 4, 3), GradCheck.rand(r, 2, 2, 4, 3));
        }
        // GQA (4 query heads share 2 kv heads) with a KV-cache style offset: 2 new queries after 3 cached keys.
        GradCheck.check("attention GQA offset", r, v -> AttentionOps.attention(v[0], v[1], v[2], AttentionMask.causal(null, 3), 0.4f),
                GradCheck.rand(r, 1, 4, 2, 3), GradCheck.rand(r, 1, 2, 5, 3), GradCheck.rand(r, 1, 2, 5, 3));
    }

    @Test
    void dropout() {
        Random r = new Random(13);
        GradCheck.check("dropout", r, v -> Regularization.dropout(v[0], 0.3f, 42L), GradCheck.rand(r, 4, 9));
    }

    @Test
    void crossEntropy() {
        Random r = new Random(14);
        Tensor targets = Tensor.ofLongs(new long[] {2, -100, 0, 4, -100}, 5);
        GradCheck.check("cross-entropy rows", r, v -> CrossEntropyOps.rows(v[0], targets).loss(), GradCheck.uniform(r, -2, 2, 5, 5));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void sigmoidCrossEntropy(int seed) {
        Random r = new Random(seed);
        int rows = between(r, 1, 4), cols = between(r, 1, 7);
        double[] y = new double[rows * cols];
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(3) / 2.0; // 0, 1 and a soft 0.5
        Tensor targets = ReferenceBackend.wrap(y, rows, cols);
        // logits well past where sigmoid saturates: the stable form must keep its gradient
        GradCheck.check("sigmoid cross-entropy", r, v -> Losses.sigmoidCrossEntropy(v[0], targets), GradCheck.uniform(r, -12, 12, rows, cols));
    }

    /** Against -[y log s + (1 - y) log(1 - s)] worked out by hand, in float, with logits that overflow a naive exp. */
    @Test
    void sigmoidCrossEntropyValues() {
        Tensor x = Tensor.of(new float[] {0f, 2f, -3f, 40f, -40f, 100f}, 2, 3);
        Tensor y = Tensor.of(new float[] {1f, 0f, 1f, 0f, 1f, 1f}, 2, 3);
        Variable logits = Variable.leaf(x);
        Variable loss = Losses.sigmoidCrossEntropy(logits, y);
        double[] expected = {Math.log(2), Math.log1p(Math.exp(2)), Math.log1p(Math.exp(3)), 40, 40, Math.log1p(Math.exp(-100))};
        float[] got = loss.value().toFloatArray();
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[i], 1e-5 * Math.max(1, expected[i]), "element " + i);
        loss.sum().backward();
        float[] grad = logits.grad().toFloatArray();
        double[] sigmoidMinusY = {-0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(3)) - 1, 1, -1, 0};
        for (int i = 0; i < grad.length; i++) assertEquals(sigmoidMinusY[i], grad[i], 1e-6, "gradient " + i);
        assertThrows(IllegalArgumentException.class, () -> Losses.sigmoidCrossEntropy(logits, Tensor.of(new float[6], 3, 2)));
    }

    @Test
    void noGradScopeRecordsNothing() {
        Variable x = Variable.leaf(GradCheck.rand(new Random(1), 2, 2));
        try (NoGrad scope = NoGrad.enter()) {
            Variable y = Arithmetic.mul(x, x);
            assertFalse(y.requiresGrad());
            assertThrows(IllegalStateException.class, () -> y.sum().backward());
        }
        Variable z = Arithmetic.mul(x, x);
        assertEquals(true, z.requiresGrad());
    }

    @Test
    void gradientsAccumulateAndGraphIsReleased() {
        Random r = new Random(2);
        Tensor xt = GradCheck.rand(r, 3);
        Variable x = Variable.leaf(xt);
        Variable y = Arithmetic.mul(x, x).sum();
        y.backward();
        double[] once = ReferenceBackend.read(x.grad());
        assertThrows(IllegalStateException.class, y::backward, "the graph is released after backward");
        Arithmetic.mul(x, x).sum().backward();
        double[] twice = ReferenceBackend.read(x.grad());
        double[] xs = ReferenceBackend.read(xt);
        for (int i = 0; i < 3; i++) {
            assertEquals(2 * xs[i], once[i], 1e-12);
            assertEquals(4 * xs[i], twice[i], 1e-12);
        }
    }

    @Test
    void backwardFromNonScalarWithUpstream() {
        Random r = new Random(3);
        Variable x = Variable.leaf(GradCheck.rand(r, 2, 3));
        Tensor up = GradCheck.rand(r, 2, 3);
        Arithmetic.scale(x, 3f).backward(up);
        double[] g = ReferenceBackend.read(x.grad()), u = ReferenceBackend.read(up);
        for (int i = 0; i < 6; i++) assertEquals(3 * u[i], g[i], 1e-12);
    }
}

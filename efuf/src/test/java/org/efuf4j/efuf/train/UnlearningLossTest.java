package org.efuf4j.efuf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The combined loss against values worked out by hand on 3-token vocabularies. */
class UnlearningLossTest {
    static final double LN2 = Math.log(2), LN3 = Math.log(3);

    /**
     * One sample, three positions, vocabulary of 3. Position 0 is masked (its huge logits must not count);
     * position 1: logits (0, 0, 0), target 1: CE = ln 3; position 2: logits (ln 2, 0, 0) = probabilities
     * (1/2, 1/4, 1/4), target 0: CE = ln 2. L_ft = mean over the two target tokens = (ln 3 + ln 2) / 2.
     */
    static Variable logits() {
        float l2 = (float) LN2;
        return Variable.leaf(Tensor.of(new float[] {50, -50, 7, 0, 0, 0, l2, 0, 0}, 1, 3, 3));
    }

    static Tensor targets() { return Tensor.ofLongs(new long[] {Backend.IGNORE_INDEX, 1, 0}, 1, 3); }

    @Test
    void targetCrossEntropyIsTheMeanOverTargetTokensOnly() {
        float[] v = UnlearningLoss.targetCrossEntropy(logits(), targets()).value().toFloatArray();
        assertEquals(1, v.length);
        assertEquals((LN3 + LN2) / 2, v[0], 1e-6);
    }

    /** Each sample is averaged over its own target tokens, not over the batch's. */
    @Test
    void perSampleMeansDoNotMixSamples() {
        float l2 = (float) LN2;
        // sample 0: one target (ln 3); sample 1: two targets (ln 3, ln 2)
        Variable logits = Variable.leaf(Tensor.of(new float[] {0, 0, 0, 9, 9, 9, 0, 0, 0, l2, 0, 0}, 2, 2, 3));
        Tensor targets = Tensor.ofLongs(new long[] {2, Backend.IGNORE_INDEX, 1, 0}, 2, 2);
        float[] v = UnlearningLoss.targetCrossEntropy(logits, targets).value().toFloatArray();
        assertArrayEquals(new float[] {(float) LN3, (float) ((LN3 + LN2) / 2)}, v, 1e-6f);
    }

    /**
     * L = L_pos - lambda1 L_ft(neg) + lambda2 L_sent with a = (ln3+ln2)/2 for every sample: a (1 - 0.3 + 0.2) = 0.9 a.
     * The gradient w.r.t. the negative's logits is -0.3 (softmax - onehot) / 2 on target rows, 0 on the masked row.
     */
    @Test
    void combinedLossAndTheAscentOnNegatives() {
        Variable pos = logits(), neg = logits(), sent = logits();
        Variable l = UnlearningLoss.combine(UnlearningLoss.targetCrossEntropy(pos, targets()).mean(),
                UnlearningLoss.targetCrossEntropy(neg, targets()).mean(), UnlearningLoss.targetCrossEntropy(sent, targets()).mean(), 0.3, 0.2);
        double a = (LN3 + LN2) / 2;
        assertEquals(0.9 * a, l.value().toFloatArray()[0], 1e-6);
        l.backward();
        float[] g = neg.grad().toFloatArray();
        float third = 1f / 3;
        float[] expected = {0, 0, 0,
                -0.15f * third, -0.15f * (third - 1), -0.15f * third,
                -0.15f * (0.5f - 1), -0.15f * 0.25f, -0.15f * 0.25f};
        assertArrayEquals(expected, g, 1e-6f);
        float[] gp = pos.grad().toFloatArray();
        for (int i = 0; i < 9; i++) assertEquals(-expected[i] / 0.3f, gp[i], 1e-6f, "positive gradient descends: index " + i);
    }

    @Test
    void absentTermsCountZeroAndNoTermsIsAnError() {
        Variable neg = logits();
        Variable l = UnlearningLoss.combine(null, UnlearningLoss.targetCrossEntropy(neg, targets()).mean(), null, 0.3, 0.2);
        assertEquals(-0.3 * (LN3 + LN2) / 2, l.value().toFloatArray()[0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> UnlearningLoss.combine(null, null, null, 0.3, 0.2));
    }
}

package org.efuf4j.models.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Sampling frequencies against the softmax they should follow; top-p keeps exactly HF's nucleus. */
class TokenChoiceTest {
    static final float[] LOGITS = {1.0f, 2.5f, -0.5f, 2.0f, 0.3f, -2f, 1.7f};

    static double[] softmax(float[] x, double t) {
        double[] p = new double[x.length];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : x) max = Math.max(max, v / t);
        for (int i = 0; i < x.length; i++) sum += p[i] = Math.exp(x[i] / t - max);
        for (int i = 0; i < x.length; i++) p[i] /= sum;
        return p;
    }

    @Test
    void frequenciesFollowTheTemperedSoftmax() {
        int n = 40_000;
        double t = 1.3;
        int[] counts = new int[LOGITS.length];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) counts[TokenChoice.sample(LOGITS, t, 1.0, r)]++;
        double[] p = softmax(LOGITS, t);
        // Within 4.5 standard deviations of the binomial count: a fixed seed, so this is deterministic anyway.
        for (int i = 0; i < p.length; i++) assertEquals(n * p[i], counts[i], 4.5 * Math.sqrt(n * p[i] * (1 - p[i])), "token " + i);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        double[] p = softmax(LOGITS, 1.0);
        // Sorted descending: 1 (2.5), 3 (2.0), 6 (1.7), 0 (1.0), ... ; with top_p = 0.7 HF keeps 1, 3, 6 when
        // p1 + p3 < 0.7 <= p1 + p3 + p6 (tokens whose ascending cumulative mass is <= 0.3 are removed).
        assertTrue(p[1] + p[3] < 0.7 && p[1] + p[3] + p[6] >= 0.7, "fixture premise");
        int[] counts = new int[LOGITS.length];
        SplittableRandom r = new SplittableRandom(5);
        int n = 20_000;
        for (int i = 0; i < n; i++) counts[TokenChoice.sample(LOGITS, 1.0, 0.7, r)]++;
        for (int i : new int[] {0, 2, 4, 5}) assertEquals(0, counts[i], "token " + i + " outside the nucleus");
        double kept = p[1] + p[3] + p[6];
        for (int i : new int[] {1, 3, 6}) {
            double q = p[i] / kept;
            assertEquals(n * q, counts[i], 4.5 * Math.sqrt(n * q * (1 - q)), "token " + i);
        }
    }

    @Test
    void argmaxTakesTheFirstMaximum() {
        assertEquals(1, TokenChoice.argmax(new float[] {0f, 3f, 3f, -1f}));
        assertEquals(1, TokenChoice.argmax(LOGITS));
    }
}

package org.efuf4j.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ScorerQualityTest {

    /** The definition: the share of (present, absent) pairs ordered right, ties counting half. */
    private static double pairwiseAuc(float[] present, float[] absent) {
        double wins = 0;
        for (float p : present) for (float a : absent) wins += p > a ? 1 : p == a ? 0.5 : 0;
        return wins / ((double) present.length * absent.length);
    }

    @Test
    void rankAucEqualsPairwiseCountingIncludingTies() {
        Random r = new Random(1);
        for (int trial = 0; trial < 20; trial++) {
            float[] p = new float[1 + r.nextInt(40)], a = new float[1 + r.nextInt(40)];
            // Coarse values force ties within and across groups.
            for (int i = 0; i < p.length; i++) p[i] = 20 + r.nextInt(12);
            for (int i = 0; i < a.length; i++) a[i] = 17 + r.nextInt(12);
            assertEquals(pairwiseAuc(p, a), ScorerQuality.auc(p, a), 1e-12);
        }
    }

    @Test
    void extremesAndErrors() {
        assertEquals(1.0, ScorerQuality.auc(new float[] {30, 31}, new float[] {20, 21, 22}));
        assertEquals(0.0, ScorerQuality.auc(new float[] {10}, new float[] {20, 21}));
        assertEquals(0.5, ScorerQuality.auc(new float[] {25, 25}, new float[] {25}));
        assertThrows(IllegalArgumentException.class, () -> ScorerQuality.auc(new float[0], new float[] {1}));
    }

    @Test
    void labelledScoresGiveThePairwiseAucAndNaNWithOneGroup() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + r.nextInt(40);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(6); // coarse scores: many ties
                y[i] = r.nextBoolean();
            }
            double won = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (y[i] && !y[j]) {
                pairs++;
                won += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }
            assertEquals(pairs == 0 ? Double.NaN : won / pairs, ScorerQuality.auc(s, y), 1e-12);
        }
        // positives 0.3, 0.2 vs negatives 0.1, 0.2: pairs won 1 + 1 + 1 + tie 0.5 = 3.5 of 4
        assertEquals(0.875, ScorerQuality.auc(new double[] {0.1, 0.2, 0.3, 0.2}, new boolean[] {false, false, true, true}), 1e-12);
        assertTrue(Double.isNaN(ScorerQuality.auc(new double[] {1, 2}, new boolean[] {true, true})));
        assertThrows(IllegalArgumentException.class, () -> ScorerQuality.auc(new double[] {1}, new boolean[] {true, false}));
    }

    @Test
    void histogramAndMomentsSummariseBothGroups() {
        float[] present = {30, 32, 34, 36}, absent = {20, 22, 30};
        ScorerQuality q = ScorerQuality.of(present, absent, 4);
        assertEquals(33, q.present().mean(), 1e-9);
        assertEquals(Math.sqrt(5), q.present().std(), 1e-9);
        assertEquals(24, q.absent().mean(), 1e-9);
        assertEquals(20, q.histogram().min());
        assertEquals(36, q.histogram().max());
        // Bins of 4: [20,24) [24,28) [28,32) [32,36]; the maximum lands in the last bin.
        assertEquals(java.util.Arrays.toString(new int[] {0, 0, 1, 3}), java.util.Arrays.toString(q.histogram().presentCounts()));
        assertEquals(java.util.Arrays.toString(new int[] {2, 0, 1, 0}), java.util.Arrays.toString(q.histogram().absentCounts()));
        assertEquals(pairwiseAuc(present, absent), q.auc(), 1e-12);
        String s = q.summary();
        assertTrue(s.contains("AUC 0.9583") && s.contains("present  n=4"), s);
    }
}

package org.efuf4j.efuf.world.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class AucTest {
    @Test void perfectReversedAndTiedRankings() {
        boolean[] y = {false, false, true, true};
        assertEquals(1.0, Auc.of(new double[] {0.1, 0.2, 0.3, 0.4}, y), 1e-12);
        assertEquals(0.0, Auc.of(new double[] {0.4, 0.3, 0.2, 0.1}, y), 1e-12);
        assertEquals(0.5, Auc.of(new double[] {1, 1, 1, 1}, y), 1e-12);
        // positives 0.3, 0.2 vs negatives 0.1, 0.2: pairs won 1 + 1 + 1 + tie 0.5 = 3.5 of 4
        assertEquals(0.875, Auc.of(new double[] {0.1, 0.2, 0.3, 0.2}, new boolean[] {false, false, true, true}), 1e-12);
    }

    @Test void matchesThePairwiseDefinitionOnRandomData() {
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
            double expected = pairs == 0 ? Double.NaN : won / pairs;
            assertEquals(expected, Auc.of(s, y), 1e-12);
        }
    }

    @Test void undefinedWithOneClassAndRejectsMismatchedLengths() {
        assertTrue(Double.isNaN(Auc.of(new double[] {1, 2}, new boolean[] {true, true})));
        assertThrows(IllegalArgumentException.class, () -> Auc.of(new double[] {1}, new boolean[] {true, false}));
    }
}

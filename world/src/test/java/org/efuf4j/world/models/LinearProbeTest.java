package org.efuf4j.world.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.efuf4j.clip.ScorerQuality;
import org.junit.jupiter.api.Test;

class LinearProbeTest {
    /** A label carried by one noisy direction among distractors (on wildly different scales) is found; noise is not. */
    @Test void findsALinearlyCarriedLabelAndNothingInNoise() {
        Random r = new Random(5);
        int n = 400, d = 12;
        float[][] x = new float[n][d], test = new float[n][d];
        boolean[] y = new boolean[n], testY = new boolean[n];
        for (float[][] set : new float[][][] {x, test}) {
            boolean[] labels = set == x ? y : testY;
            for (int i = 0; i < n; i++) {
                labels[i] = r.nextBoolean();
                for (int k = 0; k < d; k++) set[i][k] = (float) (r.nextGaussian() * (k + 1) * 100);
                set[i][3] += labels[i] ? 250f : -250f; // direction 3 has std 400: the classes overlap a little
            }
        }
        LinearProbe probe = LinearProbe.fit(x, y, 1e-3, 300);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = probe.score(test[i]);
        double auc = ScorerQuality.auc(s, testY);
        assertTrue(auc > 0.8 && auc < 0.99, "AUC " + auc);

        boolean[] noise = new boolean[n];
        for (int i = 0; i < n; i++) noise[i] = r.nextBoolean();
        LinearProbe blind = LinearProbe.fit(x, noise, 1e-3, 300);
        for (int i = 0; i < n; i++) s[i] = blind.score(test[i]);
        boolean[] testNoise = new boolean[n];
        for (int i = 0; i < n; i++) testNoise[i] = r.nextBoolean();
        double chance = ScorerQuality.auc(s, testNoise);
        assertTrue(Math.abs(chance - 0.5) < 0.1, "AUC on noise labels " + chance);
    }
}

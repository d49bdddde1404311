package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evidence is in the pixels: within each scene, a linear probe on a coarse colour histogram
 * (64 bins) tells images with a category from images with only its group-mates, at AUC above 0.95
 * on held-out images, for every category. A captioner whose features carry this much can learn to
 * see; when it still names absent group-mates, that is its language prior, which EFUF targets.
 */
class WorldEvidenceTest {
    private static final World WORLD = World.generate(WorldConfig.defaults().withImages(1500, 0, 600).withSeed(5));
    private static final int BINS = 64;

    @Test
    void everyCategoryIsDetectableFromColourAlone() {
        List<String> weak = new ArrayList<>();
        for (String scene : WORLD.config().scenes()) {
            List<WorldImage> train = ofScene(Split.TRAIN, scene);
            List<WorldImage> eval = ofScene(Split.EVAL, scene);
            double[][] xTrain = features(train);
            double[][] xEval = features(eval);
            standardize(xTrain, xEval);
            for (String category : Catalogue.scene(scene).categories()) {
                double[] w = fit(xTrain, labels(train, category));
                double auc = auc(scores(xEval, w), labels(eval, category));
                if (auc <= 0.95) {
                    weak.add(scene + "/" + category + " AUC " + auc);
                }
            }
        }
        assertTrue(weak.isEmpty(), "categories the probe cannot see: " + weak);
    }

    private static List<WorldImage> ofScene(Split split, String scene) {
        List<WorldImage> out = new ArrayList<>();
        for (WorldImage image : WORLD.images(split)) {
            if (image.scene().equals(scene)) {
                out.add(image);
            }
        }
        return out;
    }

    /** sqrt of the pixel count in each of 4x4x4 colour bins, plus a bias feature. */
    private static double[][] features(List<WorldImage> images) {
        double[][] x = new double[images.size()][BINS + 1];
        for (int i = 0; i < images.size(); i++) {
            for (int p : images.get(i).rgb()) {
                x[i][((p >> 22) & 3) * 16 + ((p >> 14) & 3) * 4 + ((p >> 6) & 3)]++;
            }
            for (int k = 0; k < BINS; k++) {
                x[i][k] = Math.sqrt(x[i][k]);
            }
        }
        return x;
    }

    private static void standardize(double[][] train, double[][] eval) {
        for (int k = 0; k < BINS; k++) {
            double mean = 0;
            for (double[] row : train) {
                mean += row[k];
            }
            mean /= train.length;
            double var = 0;
            for (double[] row : train) {
                var += (row[k] - mean) * (row[k] - mean);
            }
            double sd = Math.sqrt(var / train.length) + 1e-3;
            for (double[] row : train) {
                row[k] = (row[k] - mean) / sd;
            }
            for (double[] row : eval) {
                row[k] = (row[k] - mean) / sd;
            }
        }
        for (double[] row : train) {
            row[BINS] = 1;
        }
        for (double[] row : eval) {
            row[BINS] = 1;
        }
    }

    private static boolean[] labels(List<WorldImage> images, String category) {
        boolean[] y = new boolean[images.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = images.get(i).categories().contains(category);
        }
        return y;
    }

    /** L2-regularised logistic regression by full-batch gradient descent. */
    private static double[] fit(double[][] x, boolean[] y) {
        double[] w = new double[BINS + 1];
        double[] grad = new double[BINS + 1];
        for (int step = 0; step < 300; step++) {
            Arrays.fill(grad, 0);
            for (int i = 0; i < x.length; i++) {
                double g = 1 / (1 + Math.exp(-dot(x[i], w))) - (y[i] ? 1 : 0);
                for (int k = 0; k <= BINS; k++) {
                    grad[k] += g * x[i][k];
                }
            }
            for (int k = 0; k <= BINS; k++) {
                w[k] -= 0.1 * (grad[k] / x.length + (k < BINS ? 1e-2 * w[k] : 0));
            }
        }
        return w;
    }

    private static double[] scores(double[][] x, double[] w) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = dot(x[i], w);
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    /** Probability that a random positive outscores a random negative (ties count half). */
    static double auc(double[] scores, boolean[] positive) {
        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!positive[i]) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (!positive[j]) {
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        assertTrue(pairs > 0, "the AUC needs positives and negatives");
        return wins / pairs;
    }
}

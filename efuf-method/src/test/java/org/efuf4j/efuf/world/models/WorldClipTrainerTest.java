package org.efuf4j.efuf.world.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.efuf4j.autograd.Variable;
import org.efuf4j.models.clip.ClipOutput;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WorldClipTrainerTest {
    /** The multi-positive loss against its definition in doubles, and CLIP's diagonal loss when each text matches one image. */
    @Test void multiPositiveLossMatchesItsDefinition() {
        Random r = new Random(11);
        int n = 5;
        float[] logits = new float[n * n];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 3);
        boolean[][] diagonal = new boolean[n][n];
        for (int i = 0; i < n; i++) diagonal[i][i] = true;
        boolean[][] shared = new boolean[n][n];
        for (int i = 0; i < n; i++) shared[i][i] = true;
        shared[0][3] = shared[2][3] = shared[4][1] = true; // text 3 also fits images 0 and 2, text 1 image 4
        for (boolean[][] m : new boolean[][][] {diagonal, shared}) {
            Variable perImage = Variable.leaf(Tensor.of(logits, n, n));
            ClipOutput out = new ClipOutput(perImage, perImage.transpose(0, 1), null, null, null, null);
            double actual = WorldClipTrainer.multiPositiveLoss(out, m).value().toFloatArray()[0];
            assertEquals(reference(logits, n, m), actual, 1e-5 * Math.abs(reference(logits, n, m)));
        }
    }

    /** 0.5 * mean over images and over texts of -sum_targets q log softmax, q uniform over the matches. */
    private static double reference(float[] l, int n, boolean[][] m) {
        double total = 0;
        for (int i = 0; i < n; i++) { // image rows: logits[i][j]
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < n; j++) max = Math.max(max, l[i * n + j]);
            for (int j = 0; j < n; j++) sum += Math.exp(l[i * n + j] - max);
            int count = 0;
            for (int j = 0; j < n; j++) if (m[i][j]) count++;
            for (int j = 0; j < n; j++) if (m[i][j]) total -= (l[i * n + j] - max - Math.log(sum)) / count;
        }
        for (int j = 0; j < n; j++) { // text rows: logits[.][j]
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < n; i++) max = Math.max(max, l[i * n + j]);
            for (int i = 0; i < n; i++) sum += Math.exp(l[i * n + j] - max);
            int count = 0;
            for (int i = 0; i < n; i++) if (m[i][j]) count++;
            for (int i = 0; i < n; i++) if (m[i][j]) total -= (l[i * n + j] - max - Math.log(sum)) / count;
        }
        return 0.5 * total / n;
    }
}

package org.efuf4j.models.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picking one token from a row of logits: argmax, and HF-style temperature + top-p sampling. */
final class TokenChoice {
    private TokenChoice() {}

    /** Index of the largest logit, the first on ties (as torch.argmax). */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /**
     * HF's {@code TemperatureLogitsWarper} then {@code TopPLogitsWarper}: sorted ascending, tokens whose cumulative
     * probability is {@code <= 1 - topP} are removed (the most likely token always stays); then one draw.
     */
    static int sample(float[] logits, double temperature, double topP, SplittableRandom random) {
        int v = logits.length;
        double[] scaled = new double[v];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) max = Math.max(max, scaled[i] = logits[i] / temperature);
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) sum += p[i] = Math.exp(scaled[i] - max);
        for (int i = 0; i < v; i++) p[i] /= sum;
        boolean[] removed = new boolean[v];
        if (topP < 1) {
            Integer[] order = new Integer[v];
            for (int i = 0; i < v; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
            double cumulative = 0;
            for (int k = 0; k < v - 1; k++) {
                cumulative += p[order[k]];
                if (cumulative <= 1 - topP) removed[order[k]] = true;
                else break;
            }
        }
        double kept = 0;
        for (int i = 0; i < v; i++) if (!removed[i]) kept += p[i];
        double u = random.nextDouble() * kept;
        int last = -1;
        for (int i = 0; i < v; i++) {
            if (removed[i]) continue;
            last = i;
            u -= p[i];
            if (u < 0) return i;
        }
        return last;
    }
}

package org.efuf4j.efuf.world.models;

import java.util.Arrays;

/** Area under the ROC curve: the probability that a random positive outscores a random negative (ties count half). */
public final class Auc {
    private Auc() {}

    /** NaN when either class is empty (the area is undefined then). */
    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length)
            throw new IllegalArgumentException("AUC needs one label per score, got " + scores.length + " scores and " + positive.length + " labels");
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        // Mann-Whitney U from mid-ranks, so tied scores share their ranks
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    positiveRankSum += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return Double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}

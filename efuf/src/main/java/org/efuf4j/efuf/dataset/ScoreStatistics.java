package org.efuf4j.efuf.dataset;

import java.util.Arrays;

/** Helpers over score arrays that drop NaN (and infinite) scores, which a failed scoring produces. */
final class ScoreStatistics {
    private ScoreStatistics() {}

    /** The finite scores, sorted ascending. */
    static double[] sortedFinite(double[] scores) {
        double[] finite = Arrays.stream(scores).filter(Double::isFinite).toArray();
        Arrays.sort(finite);
        return finite;
    }

    /** Percentile p in [0, 100] by linear interpolation between closest ranks (numpy's default). */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no finite scores to take a percentile of");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}

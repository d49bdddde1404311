package org.efuf4j.clip;

import java.util.Arrays;

/**
 * How well scores separate objects that are in the image from objects that are not (or were hallucinated): the
 * ROC AUC (the chance that a random present object outscores a random absent one, ties counting half), both
 * groups' mean and standard deviation (the paper's Table 1) and a histogram over shared bins (its Figure 2).
 */
public record ScorerQuality(double auc, Group present, Group absent, Histogram histogram) {

    /** Count, mean and (population) standard deviation of one group's scores. */
    public record Group(int count, double mean, double std) {
        static Group of(float[] scores) {
            double sum = 0, sq = 0;
            for (float s : scores) sum += s;
            double mean = scores.length == 0 ? Double.NaN : sum / scores.length;
            for (float s : scores) sq += (s - mean) * (s - mean);
            return new Group(scores.length, mean, scores.length == 0 ? Double.NaN : Math.sqrt(sq / scores.length));
        }
    }

    /** Counts of both groups in {@code bins} equal bins over {@code [min, max]}; the maximum falls in the last bin. */
    public record Histogram(double min, double max, int[] presentCounts, int[] absentCounts) {
        public int bins() { return presentCounts.length; }

        public double binStart(int bin) { return min + (max - min) * bin / bins(); }

        static Histogram of(float[] present, float[] absent, int bins) {
            if (bins <= 0) throw new IllegalArgumentException("histogram needs at least one bin, got " + bins);
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (float s : present) { lo = Math.min(lo, s); hi = Math.max(hi, s); }
            for (float s : absent) { lo = Math.min(lo, s); hi = Math.max(hi, s); }
            if (lo > hi) { lo = 0; hi = 1; }
            if (hi == lo) hi = lo + 1;
            return new Histogram(lo, hi, counts(present, lo, hi, bins), counts(absent, lo, hi, bins));
        }

        private static int[] counts(float[] scores, double lo, double hi, int bins) {
            int[] c = new int[bins];
            for (float s : scores) c[Math.min(bins - 1, (int) ((s - lo) / (hi - lo) * bins))]++;
            return c;
        }
    }

    public static ScorerQuality of(float[] presentScores, float[] absentScores, int bins) {
        return new ScorerQuality(auc(presentScores, absentScores), Group.of(presentScores), Group.of(absentScores),
                Histogram.of(presentScores, absentScores, bins));
    }

    /** Mann-Whitney AUC by ranks in O(n log n); ties get their mean rank. */
    public static double auc(float[] present, float[] absent) {
        if (present.length == 0 || absent.length == 0)
            throw new IllegalArgumentException("AUC needs scores of both groups, got " + present.length + " present and " + absent.length + " absent");
        double[] scores = new double[present.length + absent.length];
        boolean[] isPresent = new boolean[scores.length];
        for (int i = 0; i < present.length; i++) {
            scores[i] = present[i];
            isPresent[i] = true;
        }
        for (int i = 0; i < absent.length; i++) scores[present.length + i] = absent[i];
        return auc(scores, isPresent);
    }

    /** The same for labelled scores; NaN when either group is empty (the area is undefined then). */
    public static double auc(double[] scores, boolean[] present) {
        if (scores.length != present.length)
            throw new IllegalArgumentException("AUC needs one label per score, got " + scores.length + " scores and " + present.length + " labels");
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double presentRankSum = 0;
        long np = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1; // mean of the 1-based ranks i+1 .. j+1
            for (int k = i; k <= j; k++) {
                if (present[order[k]]) {
                    presentRankSum += rank;
                    np++;
                }
            }
            i = j + 1;
        }
        long na = n - np;
        if (np == 0 || na == 0) return Double.NaN;
        return (presentRankSum - np * (np + 1) / 2.0) / ((double) np * na);
    }

    /** A text table: AUC, each group's mean +/- std, and the histogram as bars. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("AUC %.4f%n", auc));
        s.append(String.format("present  n=%d  mean %.2f +/- %.2f%n", present.count(), present.mean(), present.std()));
        s.append(String.format("absent   n=%d  mean %.2f +/- %.2f%n", absent.count(), absent.mean(), absent.std()));
        int most = 1;
        for (int b = 0; b < histogram.bins(); b++) most = Math.max(most, Math.max(histogram.presentCounts()[b], histogram.absentCounts()[b]));
        s.append(String.format("%-16s %-22s %s%n", "score", "present", "absent"));
        for (int b = 0; b < histogram.bins(); b++) {
            int p = histogram.presentCounts()[b], a = histogram.absentCounts()[b];
            s.append(String.format("[%6.2f,%6.2f) %5d %-16s %5d %s%n", histogram.binStart(b), histogram.binStart(b + 1), p,
                    "#".repeat((int) Math.round(16.0 * p / most)), a, "#".repeat((int) Math.round(16.0 * a / most))));
        }
        return s.toString();
    }
}

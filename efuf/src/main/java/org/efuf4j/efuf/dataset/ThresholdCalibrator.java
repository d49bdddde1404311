package org.efuf4j.efuf.dataset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses T0 and T1 from the score distribution of the CLIP model and domain at hand, instead of
 * taking the paper's ViT-B/32 values. Three routes:
 * <ul>
 *   <li>{@link #fromLabels}: a labelled sample of (score, present?) pairs; T1 is the highest
 *       threshold whose D- reaches the target precision (share of hallucinated objects), T0 the
 *       lowest above T1 whose D+ reaches it (share of real objects); the report gives each set's
 *       precision and recall on the sample.
 *   <li>{@link #fromPercentiles}: no labels; T1 and T0 are low and high percentiles of the scores.
 *   <li>{@link #fromHallucinationRate}: no labels but an estimate h of the hallucinated share
 *       (e.g. CHAIR_i on a sample): if hallucinated objects are the low scorers, the lowest h of
 *       the scores is where they lie; D- takes the lowest {@code share} of that mass and D+ the
 *       highest {@code share} of the real objects' mass, keeping both sets away from the overlap.
 * </ul>
 * Candidate thresholds are midpoints between consecutive distinct scores, so D+ = {S > T0} and
 * D- = {S < T1} hold exactly the sets whose quality is reported. NaN scores are dropped and counted.
 */
public final class ThresholdCalibrator {

    /** A set's size and, when labels exist, its precision and recall (NaN without labels). */
    public record SetQuality(int size, double precision, double recall) {}

    /** Calibrated T0 and T1 with the quality of the sets they give. */
    public record Calibration(double t0, double t1, SetQuality positives, SetQuality negatives, int droppedNaN) {
        /** The full threshold set, validated (T0 > T1). */
        public ThresholdSet withT2(double t2) {
            return new ThresholdSet(t0, t1, t2);
        }
    }

    private ThresholdCalibrator() {}

    public static Calibration fromLabels(List<LabelledScore> sample, double targetPrecision) {
        return fromLabels(sample, targetPrecision, targetPrecision);
    }

    public static Calibration fromLabels(List<LabelledScore> sample, double positivePrecision,
                                         double negativePrecision) {
        requireShare("target precision of D+", positivePrecision);
        requireShare("target precision of D-", negativePrecision);
        List<LabelledScore> finite = new ArrayList<>();
        for (LabelledScore s : sample) {
            if (Double.isFinite(s.score())) {
                finite.add(s);
            }
        }
        int dropped = sample.size() - finite.size();
        finite.sort(Comparator.comparingDouble(LabelledScore::score));
        int n = finite.size();
        int totalPresent = 0;
        for (LabelledScore s : finite) {
            totalPresent += s.present() ? 1 : 0;
        }
        int totalHallucinated = n - totalPresent;
        if (totalPresent == 0 || totalHallucinated == 0) {
            throw new IllegalArgumentException("threshold calibration needs both real and hallucinated objects in the"
                    + " labelled sample; got " + totalPresent + " real and " + totalHallucinated + " hallucinated ("
                    + dropped + " NaN scores dropped)");
        }
        // presentBelow[i] = real objects among the i lowest scores
        int[] presentBelow = new int[n + 1];
        for (int i = 0; i < n; i++) {
            presentBelow[i + 1] = presentBelow[i] + (finite.get(i).present() ? 1 : 0);
        }
        // boundaries: indices i (0 < i < n) where score[i-1] < score[i]; threshold = their midpoint
        int[] cut = new int[n];
        double[] at = new double[n];
        int cuts = 0;
        for (int i = 1; i < n; i++) {
            double below = finite.get(i - 1).score();
            double above = finite.get(i).score();
            if (below != above) {
                cut[cuts] = i;
                at[cuts++] = below + (above - below) / 2;
            }
        }
        // T1 first: the highest threshold whose D- (the cut[c] lowest scores) reaches its target
        double t1 = Double.NaN;
        SetQuality neg = null;
        double bestNeg = 0;
        for (int c = 0; c < cuts; c++) {
            int i = cut[c];
            double precision = (double) (i - presentBelow[i]) / i;
            bestNeg = Math.max(bestNeg, precision);
            if (precision >= negativePrecision) {
                t1 = at[c];
                neg = new SetQuality(i, precision, (double) (i - presentBelow[i]) / totalHallucinated);
            }
        }
        // T0: the lowest threshold above T1 whose D+ reaches its target, so that the sets never share a mention (where
        // most mentions are real, the loosest D+ reaching it can start below T1: world seed 1, T0 -0.09 under T1 6.11)
        double t0 = Double.NaN;
        SetQuality pos = null;
        double bestPos = 0;
        for (int c = 0; c < cuts; c++) {
            int i = cut[c], size = n - i, real = totalPresent - presentBelow[i];
            double precision = (double) real / size;
            bestPos = Math.max(bestPos, precision);
            if (pos == null && precision >= positivePrecision && !(at[c] <= t1)) {
                t0 = at[c];
                pos = new SetQuality(size, precision, (double) real / totalPresent);
            }
        }
        if (bestPos < positivePrecision) {
            throw new IllegalArgumentException("no threshold gives D+ a precision of " + positivePrecision
                    + " on this sample (best " + String.format(java.util.Locale.ROOT, "%.3f", bestPos) + "); lower the target or label more objects");
        }
        if (neg == null) {
            throw new IllegalArgumentException("no threshold gives D- a precision of " + negativePrecision
                    + " on this sample (best " + String.format(java.util.Locale.ROOT, "%.3f", bestNeg) + "); lower the target or label more objects");
        }
        if (pos == null) {
            throw new IllegalArgumentException("no threshold above T1 = " + String.format(java.util.Locale.ROOT, "%.3f", t1)
                    + " gives D+ a precision of " + positivePrecision + " on this sample; lower the target or label more objects");
        }
        return new Calibration(t0, t1, pos, neg, dropped);
    }

    /** T1 = the {@code lowPercentile}-th percentile of the scores, T0 = the {@code highPercentile}-th. */
    public static Calibration fromPercentiles(double[] scores, double lowPercentile, double highPercentile) {
        double[] sorted = ScoreStatistics.sortedFinite(scores);
        double t1 = ScoreStatistics.percentile(sorted, lowPercentile);
        double t0 = ScoreStatistics.percentile(sorted, highPercentile);
        requireOrdered(t0, t1, "percentiles " + lowPercentile + " and " + highPercentile
                + " do not separate the scores");
        return unlabelled(sorted, t0, t1, scores.length - sorted.length);
    }

    /**
     * @param hallucinationRate estimated share of hallucinated objects among all scored objects
     * @param share             how much of each side's expected mass the sets take (0.5: the
     *                          lower half of the hallucinated mass for D-, the upper half of the
     *                          real mass for D+)
     */
    public static Calibration fromHallucinationRate(double[] scores, double hallucinationRate, double share) {
        requireShare("hallucination rate", hallucinationRate);
        requireShare("share", share);
        double low = 100 * hallucinationRate * share;
        double high = 100 * (1 - (1 - hallucinationRate) * share);
        return fromPercentiles(scores, low, high);
    }

    /**
     * T2 such that about {@code targetSize} captions have a mean score above it (the paper chose T2
     * to make Ds about as large as D+ and D-): the midpoint between the targetSize-th and the
     * (targetSize+1)-th highest mean. NaN means are dropped.
     */
    public static double sentenceThreshold(double[] captionMeanScores, int targetSize) {
        double[] sorted = ScoreStatistics.sortedFinite(captionMeanScores);
        if (targetSize < 1 || targetSize >= sorted.length) {
            throw new IllegalArgumentException("target Ds size must be between 1 and " + (sorted.length - 1)
                    + " (captions with a finite mean score), got " + targetSize);
        }
        double above = sorted[sorted.length - targetSize];
        double below = sorted[sorted.length - targetSize - 1];
        return below + (above - below) / 2;
    }

    private static Calibration unlabelled(double[] sorted, double t0, double t1, int dropped) {
        int pos = 0, neg = 0;
        for (double s : sorted) {
            pos += s > t0 ? 1 : 0;
            neg += s < t1 ? 1 : 0;
        }
        return new Calibration(t0, t1, new SetQuality(pos, Double.NaN, Double.NaN),
                new SetQuality(neg, Double.NaN, Double.NaN), dropped);
    }

    private static void requireOrdered(double t0, double t1, String advice) {
        if (!(t0 > t1)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "calibration gave T0=%.2f <= T1=%.2f: %s", t0, t1, advice));
        }
    }

    private static void requireShare(String name, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + value);
        }
    }
}

package org.efuf4j.world.demo;

import java.util.List;

import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.ScoreHistogram;
import org.efuf4j.efuf.dataset.ThresholdSet;

/**
 * The paper's Figure 2 and Table 1 on the world, where every mention's truth is known: the score distributions of
 * present and hallucinated mentions (mean, std, overlap), and how clean the thresholds' tails are.
 *
 * @param overlap             overlap coefficient of the two normalised histograms: sum over bins of min(p, q), 0 for
 *                            separated distributions, 1 for identical ones
 * @param aboveT0             mentions scoring above T0, and how many of them are hallucinated
 * @param belowT1             mentions scoring below T1, and how many of them are present
 */
public record ScoreDistribution(ScoreHistogram histogram, double overlap, int aboveT0, int aboveT0Hallucinated, int belowT1,
                                int belowT1Present) {
    /** About 40 bins across the observed range. */
    public static ScoreDistribution of(List<LabelledScore> labelled, ThresholdSet thresholds) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int above = 0, aboveH = 0, below = 0, belowP = 0;
        for (LabelledScore s : labelled) {
            if (!Double.isFinite(s.score())) continue;
            min = Math.min(min, s.score());
            max = Math.max(max, s.score());
            if (thresholds.positive(s.score())) {
                above++;
                if (!s.present()) aboveH++;
            }
            if (thresholds.negative(s.score())) {
                below++;
                if (s.present()) belowP++;
            }
        }
        if (min > max) return new ScoreDistribution(null, Double.NaN, 0, 0, 0, 0);
        double width = Math.max(1e-3, (max - min) / 40);
        ScoreHistogram h = ScoreHistogram.of(labelled, new double[0], width);
        return new ScoreDistribution(h, overlap(h.present(), h.hallucinated()), above, aboveH, below, belowP);
    }

    static double overlap(int[] p, int[] q) {
        long np = 0, nq = 0;
        for (int v : p) np += v;
        for (int v : q) nq += v;
        if (np == 0 || nq == 0) return Double.NaN;
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += Math.min((double) p[i] / np, (double) q[i] / nq);
        return sum;
    }

    /**
     * The figures the report shows: count, mean and std of present and of hallucinated mentions' scores, their overlap,
     * and Table 1's tails.
     */
    public record Figures(int present, double presentMean, double presentStd, int hallucinated, double hallucinatedMean,
                          double hallucinatedStd, double overlap, int aboveT0, int aboveT0Hallucinated, int belowT1, int belowT1Present) {
        public double aboveT0HallucinatedShare() { return aboveT0 == 0 ? Double.NaN : (double) aboveT0Hallucinated / aboveT0; }

        public double belowT1PresentShare() { return belowT1 == 0 ? Double.NaN : (double) belowT1Present / belowT1; }
    }

    public Figures figures() {
        if (histogram == null) return new Figures(0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, overlap, aboveT0, aboveT0Hallucinated, belowT1, belowT1Present);
        ScoreHistogram.Summary p = histogram.presentSummary(), h = histogram.hallucinatedSummary();
        return new Figures(p.count(), p.mean(), p.std(), h.count(), h.mean(), h.std(), overlap, aboveT0, aboveT0Hallucinated, belowT1, belowT1Present);
    }
}

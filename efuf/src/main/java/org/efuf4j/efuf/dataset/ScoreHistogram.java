package org.efuf4j.efuf.dataset;

import java.util.List;
import java.util.Locale;

/**
 * The data of the paper's Figure 2: how the scores of real and hallucinated objects are
 * distributed, in fixed-width bins aligned to multiples of the width, with mean and standard
 * deviation per group (the paper's Table 1). Unlabelled scores get their own counts. NaN and
 * infinite scores are dropped and counted.
 */
public record ScoreHistogram(double firstBinStart, double binWidth, int[] present, int[] hallucinated,
                             int[] unlabelled, Summary presentSummary, Summary hallucinatedSummary,
                             Summary unlabelledSummary, int droppedNaN) {

    /** Count, mean and (population) standard deviation; NaN mean and std for an empty group. */
    public record Summary(int count, double mean, double std) {}

    public static ScoreHistogram of(List<LabelledScore> labelled, double[] unlabelledScores, double binWidth) {
        if (!(binWidth > 0) || !Double.isFinite(binWidth)) {
            throw new IllegalArgumentException("bin width must be a positive number, got " + binWidth);
        }
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int dropped = 0;
        for (LabelledScore s : labelled) {
            if (Double.isFinite(s.score())) {
                min = Math.min(min, s.score());
                max = Math.max(max, s.score());
            } else {
                dropped++;
            }
        }
        for (double s : unlabelledScores) {
            if (Double.isFinite(s)) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            } else {
                dropped++;
            }
        }
        if (min > max) {
            throw new IllegalArgumentException("no finite scores to histogram (" + dropped + " NaN/infinite dropped)");
        }
        double start = Math.floor(min / binWidth) * binWidth;
        int bins = binOf(max, start, binWidth) + 1;
        int[] present = new int[bins], hallucinated = new int[bins], unlabelled = new int[bins];
        Accumulator p = new Accumulator(), h = new Accumulator(), u = new Accumulator();
        for (LabelledScore s : labelled) {
            if (Double.isFinite(s.score())) {
                int b = binOf(s.score(), start, binWidth);
                if (s.present()) {
                    present[b]++;
                    p.add(s.score());
                } else {
                    hallucinated[b]++;
                    h.add(s.score());
                }
            }
        }
        for (double s : unlabelledScores) {
            if (Double.isFinite(s)) {
                unlabelled[binOf(s, start, binWidth)]++;
                u.add(s);
            }
        }
        return new ScoreHistogram(start, binWidth, present, hallucinated, unlabelled, p.summary(), h.summary(),
                u.summary(), dropped);
    }

    private static int binOf(double score, double start, double width) {
        return (int) Math.floor((score - start) / width);
    }

    public int binCount() {
        return present.length;
    }

    public double binStart(int bin) {
        return firstBinStart + bin * binWidth;
    }

    /** One row per bin: {@code bin_start,bin_end,present,hallucinated,unlabelled}. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("bin_start,bin_end,present,hallucinated,unlabelled\n");
        for (int b = 0; b < binCount(); b++) {
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%d,%d,%d\n", binStart(b), binStart(b + 1), present[b],
                    hallucinated[b], unlabelled[b]));
        }
        return sb.toString();
    }

    private static final class Accumulator {
        // Welford's update: no cancellation between a large sum of squares and the squared mean
        int count;
        double mean, squaredDeviations;

        void add(double x) {
            count++;
            double delta = x - mean;
            mean += delta / count;
            squaredDeviations += delta * (x - mean);
        }

        Summary summary() {
            if (count == 0) {
                return new Summary(0, Double.NaN, Double.NaN);
            }
            return new Summary(count, mean, Math.sqrt(squaredDeviations / count));
        }
    }
}

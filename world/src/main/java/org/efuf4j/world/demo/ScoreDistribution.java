package org.efuf4j.world.demo;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.ScoreHistogram;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.efuf4j.efuf.io.Json;

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

    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        ObjectNode present = n.putObject("present"), hallucinated = n.putObject("hallucinated");
        if (histogram != null) {
            summary(present, histogram.presentSummary());
            summary(hallucinated, histogram.hallucinatedSummary());
        }
        Demo.finite(n, "overlap", overlap);
        ObjectNode t1 = n.putObject("table1");
        t1.put("above_t0", aboveT0);
        t1.put("above_t0_hallucinated", aboveT0Hallucinated);
        Demo.finite(t1, "above_t0_hallucinated_share", aboveT0 == 0 ? Double.NaN : (double) aboveT0Hallucinated / aboveT0);
        t1.put("below_t1", belowT1);
        t1.put("below_t1_present", belowT1Present);
        Demo.finite(t1, "below_t1_present_share", belowT1 == 0 ? Double.NaN : (double) belowT1Present / belowT1);
        return n;
    }

    private static void summary(ObjectNode node, ScoreHistogram.Summary s) {
        node.put("count", s.count());
        Demo.finite(node, "mean", s.mean());
        Demo.finite(node, "std", s.std());
    }
}

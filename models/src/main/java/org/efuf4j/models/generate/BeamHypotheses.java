package org.efuf4j.models.generate;

import java.util.ArrayList;
import java.util.List;

/** HF's {@code BeamHypotheses}: the best {@code numBeams} finished hypotheses of one prompt, scored with the length penalty. */
final class BeamHypotheses {
    record Hypothesis(long[] tokens, double score, int stopToken) {}

    private final int numBeams;
    private final double lengthPenalty;
    private final List<Hypothesis> kept = new ArrayList<>();
    private double worstScore = 1e9;

    BeamHypotheses(int numBeams, double lengthPenalty) {
        this.numBeams = numBeams;
        this.lengthPenalty = lengthPenalty;
    }

    /** {@code generatedLength} counts the new tokens including a stop token ({@code stopToken}, or -1 for none). */
    void add(long[] tokens, double sumLogprobs, int generatedLength, int stopToken) {
        double score = sumLogprobs / Math.pow(generatedLength, lengthPenalty);
        if (kept.size() < numBeams || score > worstScore) {
            kept.add(new Hypothesis(tokens, score, stopToken));
            if (kept.size() > numBeams) {
                int worst = 0;
                for (int i = 1; i < kept.size(); i++) if (kept.get(i).score() < kept.get(worst).score()) worst = i;
                kept.remove(worst);
                worstScore = Double.POSITIVE_INFINITY;
                for (Hypothesis h : kept) worstScore = Math.min(worstScore, h.score());
            } else {
                worstScore = Math.min(score, worstScore);
            }
        }
    }

    /** HF with {@code early_stopping=False}: done when no open beam's best possible score beats the worst kept one. */
    boolean isDone(double bestSumLogprobs, int generatedLength) {
        if (kept.size() < numBeams) return false;
        return worstScore >= bestSumLogprobs / Math.pow(generatedLength, lengthPenalty);
    }

    Hypothesis best() {
        Hypothesis best = null;
        for (Hypothesis h : kept) if (best == null || h.score() > best.score()) best = h;
        return best;
    }
}

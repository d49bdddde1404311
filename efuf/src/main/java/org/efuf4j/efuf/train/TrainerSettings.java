package org.efuf4j.efuf.train;

/**
 * The unlearning run's knobs; {@link #paper()} are the paper's values.
 *
 * @param negativeCap       per-sample cap on L_ft of a negative: once a hallucinated clause's cross-entropy exceeds it,
 *                          the sample adds no more ascent (unbounded ascent only destroys the model)
 * @param epochs            passes over D- (the other sets cycle); at most {@code maxNegativePasses}
 * @param divergenceFactor  stop when the running L_ft of negatives exceeds this multiple of its starting level
 * @param sampleWeights     authors' variant: positives x score, negatives x (T0 + T1 - score), sentences x mean score
 * @param implementationSchedules authors' variant: lambda1 held for 40% of the steps then linearly to 0, positive
 *                          weight linear 1.0 -> 0.5
 * @param maxSteps          stop after this many steps in total (0: no limit); a later run resumes
 */
public record TrainerSettings(double lambda1, double lambda2, double lr, double weightDecay, TrainableSet trainable,
                              Ablation ablation, boolean sampleWeights, boolean implementationSchedules,
                              double negativeCap, int epochs, int maxNegativePasses, double divergenceFactor,
                              int checkpointEvery, long maxSteps, long seed, String prompt, String template) {
    public TrainerSettings {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (epochs > maxNegativePasses)
            throw new IllegalArgumentException(epochs + " passes over D- exceed the bound of " + maxNegativePasses
                    + ": repeated gradient ascent on the same clauses drives them to zero probability and wrecks fluency; raise --max-negative-passes only deliberately");
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        if (!(negativeCap > 0)) throw new IllegalArgumentException("negative cap must be > 0, got " + negativeCap);
        if (!(divergenceFactor > 1)) throw new IllegalArgumentException("divergence factor must be > 1, got " + divergenceFactor);
        if (checkpointEvery < 1) throw new IllegalArgumentException("checkpoint interval must be >= 1 step, got " + checkpointEvery);
    }

    public static TrainerSettings paper() {
        return new TrainerSettings(0.3, 0.2, 1e-5, 0.05, TrainableSet.PROJECTOR, Ablation.FULL, false, false,
                15.0, 1, 3, 4.0, 100, 0, 0, org.efuf4j.efuf.pipeline.Captioner.FORMATION_PROMPT,
                org.efuf4j.efuf.pipeline.Captioner.LLAVA_TEMPLATE);
    }

    public TrainerSettings with(double lr, TrainableSet trainable, Ablation ablation, int checkpointEvery, long maxSteps) {
        return new TrainerSettings(lambda1, lambda2, lr, weightDecay, trainable, ablation, sampleWeights, implementationSchedules,
                negativeCap, epochs, maxNegativePasses, divergenceFactor, checkpointEvery, maxSteps, seed, prompt, template);
    }

    /** lambda1 at a point of training ({@code progress} 0 at the first step, 1 at the last). */
    public double lambda1At(double progress) {
        return implementationSchedules && progress > 0.4 ? lambda1 * (1 - (progress - 0.4) / 0.6) : lambda1;
    }

    /** The positive loss's weight at a point of training. */
    public double positiveWeightAt(double progress) {
        return implementationSchedules ? 1.0 - 0.5 * progress : 1.0;
    }
}

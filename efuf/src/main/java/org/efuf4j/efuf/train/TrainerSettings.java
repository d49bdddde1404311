package org.efuf4j.efuf.train;

/**
 * The unlearning run's knobs; {@link #paper()} are the paper's values.
 *
 * @param negativeCap       per-sample cap on L_ft of a negative: once a hallucinated clause's cross-entropy exceeds it,
 *                          the sample adds no more ascent (unbounded ascent only destroys the model)
 * @param epochs            passes over D- (the other sets cycle); at most {@code maxNegativePasses}
 * @param divergenceFactor  stop when a term's running mean exceeds this multiple of its level under the model before any
 *                          update (L_neg: of the larger of that level and {@code negativeCap}, since ascent raises it)
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
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + lr);
        if (!(lambda1 >= 0) || !Double.isFinite(lambda1)) throw new IllegalArgumentException("lambda1 must be a finite number >= 0, got " + lambda1);
        if (!(lambda2 >= 0) || !Double.isFinite(lambda2)) throw new IllegalArgumentException("lambda2 must be a finite number >= 0, got " + lambda2);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        if (!(negativeCap > 0)) throw new IllegalArgumentException("negative cap must be > 0, got " + negativeCap);
        if (!(divergenceFactor > 1) || !Double.isFinite(divergenceFactor)) throw new IllegalArgumentException("divergence factor must be > 1, got " + divergenceFactor);
        if (checkpointEvery < 1) throw new IllegalArgumentException("checkpoint interval must be >= 1 step, got " + checkpointEvery);
    }

    /**
     * The paper's settings: projector only, lr 1e-5, lambda1 0.3, lambda2 0.2, one pass over D-, the LLaVA-1.5
     * template and the formation prompt.
     */
    public static TrainerSettings paper() {
        return new TrainerSettings(0.3, 0.2, 1e-5, 0.05, TrainableSet.PROJECTOR, Ablation.FULL, false, false,
                15.0, 1, 3, 4.0, 100, 0, 0, org.efuf4j.efuf.pipeline.Captioner.FORMATION_PROMPT,
                org.efuf4j.efuf.pipeline.Captioner.LLAVA_TEMPLATE);
    }

    /** A builder starting from these settings: presets are changed by name, never by position. */
    public Builder toBuilder() { return new Builder(this); }

    /** Named changes to a preset; {@link #build()} checks the result as the constructor does. */
    public static final class Builder {
        private double lambda1, lambda2, lr, weightDecay, negativeCap, divergenceFactor;
        private TrainableSet trainable;
        private Ablation ablation;
        private boolean sampleWeights, implementationSchedules;
        private int epochs, maxNegativePasses, checkpointEvery;
        private long maxSteps, seed;
        private String prompt, template;

        private Builder(TrainerSettings s) {
            lambda1 = s.lambda1; lambda2 = s.lambda2; lr = s.lr; weightDecay = s.weightDecay; trainable = s.trainable; ablation = s.ablation;
            sampleWeights = s.sampleWeights; implementationSchedules = s.implementationSchedules; negativeCap = s.negativeCap; epochs = s.epochs;
            maxNegativePasses = s.maxNegativePasses; divergenceFactor = s.divergenceFactor; checkpointEvery = s.checkpointEvery;
            maxSteps = s.maxSteps; seed = s.seed; prompt = s.prompt; template = s.template;
        }

        public Builder lambda1(double v) { lambda1 = v; return this; }
        public Builder lambda2(double v) { lambda2 = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder trainable(TrainableSet v) { trainable = v; return this; }
        public Builder ablation(Ablation v) { ablation = v; return this; }
        public Builder sampleWeights(boolean v) { sampleWeights = v; return this; }
        public Builder implementationSchedules(boolean v) { implementationSchedules = v; return this; }
        public Builder negativeCap(double v) { negativeCap = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder maxNegativePasses(int v) { maxNegativePasses = v; return this; }
        public Builder divergenceFactor(double v) { divergenceFactor = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder prompt(String v) { prompt = v; return this; }
        public Builder template(String v) { template = v; return this; }

        public TrainerSettings build() {
            return new TrainerSettings(lambda1, lambda2, lr, weightDecay, trainable, ablation, sampleWeights, implementationSchedules,
                    negativeCap, epochs, maxNegativePasses, divergenceFactor, checkpointEvery, maxSteps, seed, prompt, template);
        }
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

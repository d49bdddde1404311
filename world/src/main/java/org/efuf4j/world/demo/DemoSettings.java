package org.efuf4j.world.demo;

import java.util.List;

import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.train.TrainableSet;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.models.CaptionerTrainer;
import org.efuf4j.world.models.WorldModels;

/**
 * Everything the embedded demo varies: the world, the base models, how many images each stage uses, and the
 * unlearning knobs. {@link #standard()} is the README's first command; {@link #reduced()} the reduced run for CI.
 *
 * @param formationImages  training images the captioner describes for dataset formation (one sampled caption each)
 * @param calibrationShare share of those images whose ground truth labels the mentions thresholds are calibrated on
 *                         (the world knows the truth of every image; calibration pretends only a small sample is labelled)
 * @param targetPrecision  precision D+ and D- must reach on the labelled sample
 * @param selection        how D+, D- and Ds are selected from the scored captions (the oracle dataset selects as this
 *                         one does; the vanilla dataset too, but by whole sentences, each scored by its lowest object:
 *                         a description is one sentence, and the mean of its present objects' scores never fell below
 *                         T1, so scored by the mean the vanilla D- was empty)
 * @param captionTokens    caption length limit, formation and evaluation
 * @param popeTokens       answer length limit for POPE questions
 * @param popeImages       the first held-out images POPE asks about (0: all); the base models' gate measures POPE on
 *                         as many ({@code WorldModels.Config.popeImages})
 * @param seeds            unlearning seeds 1..N for EFUF (dataset sampling and sample order differ)
 * @param ablationSeeds    the first seeds that also run the ablations, the controls and the paper's settings (at most
 *                         {@code seeds}): each variant costs an evaluation on every held-out image
 * @param validationImages validation-split images the validation schedule captions at each of its measurements
 * @param validationEvery  unlearning steps between the validation schedule's measurements
 * @param recallLimit      largest fall of validation recall (a fraction) at which the validation schedule may stop; the
 *                         standard run takes the acceptance's bound on recall (3 points) less one for the validation
 *                         split's noise: on world seed 1 a limit of 3 points on 100 validation images stopped where the
 *                         held-out recall had fallen by 3.6 (the schedule takes the lowest CHAIR_s under the limit, so it
 *                         favours steps whose validation recall happens to be high)
 * @param validationPasses passes over D- the validation schedule may run in all (1: the paper schedule's steps only)
 */
public record DemoSettings(WorldConfig world, WorldModels.Config models, int formationImages, double calibrationShare,
                           double targetPrecision, SampleSelector.Options selection, int captionTokens, int popeTokens, int popeImages, double lr, double lambda1, double lambda2,
                           TrainableSet trainable, double negativeCap, int seeds, int ablationSeeds, int validationImages, int validationEvery,
                           double recallLimit, int validationPasses, int galleryImages, boolean quick) {
    public DemoSettings {
        if (formationImages < 1) throw new IllegalArgumentException("formationImages must be >= 1, got " + formationImages);
        if (formationImages > world.trainImages())
            throw new IllegalArgumentException("formationImages (" + formationImages + ") exceeds the world's " + world.trainImages() + " training images");
        if (!(calibrationShare > 0 && calibrationShare <= 1)) throw new IllegalArgumentException("calibrationShare must be in (0, 1], got " + calibrationShare);
        if (!(targetPrecision > 0 && targetPrecision < 1)) throw new IllegalArgumentException("targetPrecision must be in (0, 1), got " + targetPrecision);
        if (popeImages < 0) throw new IllegalArgumentException("popeImages must be >= 0 (0: all), got " + popeImages);
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        if (world.evalImages() < 1) throw new IllegalArgumentException("the demo world needs eval images, got " + world.evalImages());
        ablationSeeds = Math.min(ablationSeeds, seeds);
        if (ablationSeeds < 1) throw new IllegalArgumentException("ablationSeeds must be >= 1, got " + ablationSeeds);
        if (validationImages < 1 || validationImages > world.valImages())
            throw new IllegalArgumentException("validationImages must be between 1 and the world's " + world.valImages() + " validation images, got "
                    + validationImages);
        if (validationEvery < 1) throw new IllegalArgumentException("validationEvery must be >= 1 step, got " + validationEvery);
        if (!(recallLimit >= 0 && recallLimit <= 1)) throw new IllegalArgumentException("recallLimit must be in [0, 1], got " + recallLimit);
        if (validationPasses < 1) throw new IllegalArgumentException("validationPasses must be >= 1, got " + validationPasses);
    }

    /**
     * The demo's selection: the paper's rules, with repeated objects left out of D+ and Ds, and each later clause's target
     * opened by its comma. A repeated present object scores high, so the paper's rules make "..., a kite, a kite" a
     * positive clause and its caption a sentence sample, teaching the very repeats that ascent on the hallucinated last
     * clause provokes. With the comma left in the context, ascent on ", a kite" lowered only "a kite" and the captioner
     * went on all the same, naming an object it had already named: on world seed 2, 11.9% of EFUF's captions repeated an
     * object against the base captioner's 7.2%, and 17.6% after a pass over the D- of 2000 formation images. With the comma
     * in the target, the same pass over 1200 images lowered CHAIR_s by 19% (seed 1) and 23% (seed 2) where it had
     * lowered it by 12% and 15%, and repeats rose by 2.1 points at most (seed 2; DoseSweep, BENCHMARKS.md). Making the repeats
     * negatives as well ({@link SampleSelector.Repeats#UNLEARNED}) grew D- by a third and cost both seeds recall and BLEU.
     * <p>Each negative clause's target ends with its object (", a kite" of ", a kite at the top right"): the position words
     * are shared by every clause, present or not, and the positives and sentences teach them back, so whole-clause ascent
     * spends part of itself on words that carry no hallucination. On world seeds 4 and 6, where whole-clause targets
     * plateaued near -10% CHAIR_s (3.6-4.3% of relative CHAIR_s per point of recall), cut targets reached -15% and -18%
     * at 2.9 and 2.3 points (DoseSweep, 3 unlearning seeds); on seeds 1 and 2 they act as a stronger dose at the same
     * trade-off, which the learning rate below takes back.
     */
    static final SampleSelector.Options SELECTION = SampleSelector.Options.PAPER.withRepeats(SampleSelector.Repeats.LEFT_OUT).withSeparatorInTarget(true)
            .withNegativeEndsAtObject(true);

    /** The standard run's formation images ({@link #standard()} says why so many); a constant for the CLI's help. */
    public static final int STANDARD_FORMATION_IMAGES = 1800;

    /**
     * The README's run: the default world (its 500 held-out eval images, as CHAIR evaluations on COCO use; its
     * validation images choose the validation schedule's stopping step), the shipped base models, 1800 formation
     * images, EFUF on 3 seeds and the ablations on the first.
     * <p>The formation images set the dose: D- grows with them, and so does the paper schedule's one pass. 1200 rather
     * than 400 (368 clauses in D- instead of 112) took world seed 1's first captioner (lambda1 1.0) from 7% to 18% less
     * CHAIR_s, at 2.9 points of recall instead of 0.9. 1800 rather than 1200, measured on the three-layer captioners
     * over 3 unlearning seeds: seed 1 from -15.3% CHAIR_s / -15.3% CHAIR_i at 2.1 points of recall to -21.1% / -20.4% at
     * 2.6, seed 2 from -19.7% / -14.0% (CHAIR_i missing its bound) at 2.0 to -26.1% / -20.6% at 2.8; a second pass over
     * the D- of 1200 images cost more recall for the same effect (seed 2: 3.35 points at two passes). The labelled
     * share then holds 180 images instead of 120, which steadies T1: resampling the labelled images of one seed's
     * 1200 captions, D- ranged 211-444 mentions (10th-90th percentile) with 120 labelled and 231-417 with 180. On world
     * seed 3 (never tuned on) this pass overshoots (-34% CHAIR_s at 3.7 points of recall) and the validation schedule
     * holds all nine criteria instead; the demo reports whichever schedule holds more.
     * Target precision 0.95 rather than 0.9: every present object in D- is unlearned as if it were
     * hallucinated, at the cost of recall (a D- of 41% present objects, before the scorer read "TV", cost recall and
     * removed no hallucination); 0.95 on the 120 labelled images of that time kept D- near the 0.98 precision of that run.
     * 0.98 ({@code efuf demo --target-precision 0.98}) holds all nine criteria on world seed 4, where 0.95 misses CHAIR_i,
     * but halves seed 1's D- and with it the dose of one pass (-14.8% CHAIR_s), and seed 5's 180 labelled images cannot
     * reach it; a validation schedule over two passes of that D- ({@code validationPasses} 2) stopped early on seed 1's noisy
     * 200 validation images (BENCHMARKS.md, 2026-12-08).
     */
    public static DemoSettings standard() {
        WorldModels.Config models = WorldModels.Config.small();
        // lr 5e-6, half the paper's: with negative targets cut at their object, a pass at 1e-5 overshot recall on world seeds
        // 1, 2, 5 and 6 (-4.3, -5.3, -6.2, -3.3 points), and half a pass met every bound on seeds 1, 2, 4 and 6; a pass at
        // 5e-6 does what half a pass at 1e-5 does (seed 1: -18.0% CHAIR_s at 2.3 points of recall, against -18.5% at 2.5;
        // DoseSweep, BENCHMARKS.md) and keeps the paper's schedule of one pass over D-. Larger steps fail otherwise:
        // at 1e-4 and 3e-5 even the sentence loss alone (fine-tuning on the model's own best sampled captions)
        // cost 6-8 BLEU-1 points and 11 points of recall, and ascent at 1e-4 left over half the captions unterminated;
        // lambda1 the paper's 0.3: on world seed 1's clean D- (393 clauses) 1.0 lowered CHAIR_s to 40.2% but cost 2.8
        // points of recall, 2.4 of BLEU-1 and 4 of repeated-object captions; 0.3 gave 43.4% (-15%) at 2.4 points of
        // recall with BLEU-1 unchanged. (1.0 was chosen when D- was 41% present objects, before the scorer read "TV".) These
        // figures are the captioner v3's. lambda2 0.5 rather than the paper's 0.2: with the comma in the clause targets ascent
        // teaches the captioner to stop sooner, and the sentence loss keeps it from filling the place with an object it has
        // already named (world seed 2, 3 unlearning seeds: repeated-object captions +2.1 points at 0.2, +1.2 at 0.5, CHAIR_s
        // -23% either way; seed 1 alike). lambda1 0.15 instead of 0.3 barely moved CHAIR_s on either seed. With the
        // two-layer captioner, which answered yes/no questions from names instead of the image, seed 1 traded about 5-6%
        // of relative CHAIR_s per point of recall whatever the weights (lambda1 0.2, 0.3, 0.6; lambda2 0.5, 1.0;
        // DoseSweep, BENCHMARKS.md); with three decoder layers these weights meet all nine criteria on seed 1.
        return new DemoSettings(WorldConfig.defaults(), models, STANDARD_FORMATION_IMAGES, 0.1, 0.95, SELECTION, 80, 4, models.popeImages(),
                5e-6, 0.3, 0.5, TrainableSet.PROJECTOR_AND_LM, 6.0, 3, 1, 200, 20, 0.02, 1, 6, false);
    }

    /**
     * CI: a tiny world and few steps; exercises every stage and artefact, not the effect sizes (the validation schedule
     * over two passes too, which the standard run leaves at one).
     */
    public static DemoSettings reduced() {
        WorldModels.Config m = WorldModels.Config.tiny();
        var c = m.captioner();
        // two scenes and a hotter learning rate: the tiny captioner must name objects within seconds of training
        c = c.toBuilder().steps(20, 10, 160).batch(8, 1e-2).weightDecay(0.0).qaRate(0.2).selectEvery(0).instructionLearningRate(1e-2).build();
        m = new WorldModels.Config(m.scorer().withSteps(30), null, c, 12, 6, 40, 40, false);
        WorldConfig w = WorldConfig.defaults().withImages(96, 8, 12).withScenes(List.of("kitchen", "street"));
        return new DemoSettings(w, m, 32, 0.5, 0.8, SELECTION, 24, 3, 8, 1e-4, 0.3, 0.2, TrainableSet.PROJECTOR_AND_LM, 6.0, 1, 1, 8, 4, 0.02, 2, 3, true);
    }

    /** {@code n} seeds; the ablations keep to the first {@code ablationSeeds} of them. */
    public DemoSettings withSeeds(int n) { return with(c -> c.seeds = n); }

    public DemoSettings withAblationSeeds(int n) { return with(c -> c.ablationSeeds = n); }

    public DemoSettings withModels(WorldModels.Config models) { return with(c -> c.models = models); }

    /** {@code n} training images described for dataset formation (D- grows with them; so does the paper schedule's pass). */
    public DemoSettings withFormationImages(int n) { return with(c -> c.formationImages = n); }

    public DemoSettings withSelection(SampleSelector.Options selection) { return with(c -> c.selection = selection); }

    public DemoSettings withTargetPrecision(double precision) { return with(c -> c.targetPrecision = precision); }

    public DemoSettings withWorldSeed(long seed) { return with(c -> c.world = world.withSeed(seed)); }

    /** These settings with {@code change} applied to a copy of their fields, checked again by the constructor. */
    private DemoSettings with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The fields of a {@link DemoSettings}, for the {@code with} methods to change one at a time. */
    private static final class Copy {
        WorldConfig world;
        WorldModels.Config models;
        int formationImages, captionTokens, popeTokens, popeImages, seeds, ablationSeeds, validationImages, validationEvery, validationPasses, galleryImages;
        double calibrationShare, targetPrecision, lr, lambda1, lambda2, negativeCap, recallLimit;
        SampleSelector.Options selection;
        TrainableSet trainable;
        boolean quick;

        Copy(DemoSettings s) {
            world = s.world; models = s.models; formationImages = s.formationImages; calibrationShare = s.calibrationShare;
            targetPrecision = s.targetPrecision; selection = s.selection; captionTokens = s.captionTokens; popeTokens = s.popeTokens;
            popeImages = s.popeImages; lr = s.lr; lambda1 = s.lambda1; lambda2 = s.lambda2; trainable = s.trainable; negativeCap = s.negativeCap;
            seeds = s.seeds; ablationSeeds = s.ablationSeeds; validationImages = s.validationImages; validationEvery = s.validationEvery;
            recallLimit = s.recallLimit; validationPasses = s.validationPasses; galleryImages = s.galleryImages; quick = s.quick;
        }

        DemoSettings build() {
            return new DemoSettings(world, models, formationImages, calibrationShare, targetPrecision, selection, captionTokens, popeTokens, popeImages, lr,
                    lambda1, lambda2, trainable, negativeCap, seeds, ablationSeeds, validationImages, validationEvery, recallLimit, validationPasses,
                    galleryImages, quick);
        }
    }
}

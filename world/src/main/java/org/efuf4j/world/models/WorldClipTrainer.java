package org.efuf4j.world.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import org.efuf4j.clip.ClipTrainer;
import org.efuf4j.clip.PreprocessorConfig;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.config.ClipTextConfig;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.pretrained.HfTokenizerFiles;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.BpeTrainer;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.world.Catalogue;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldCaption;
import org.efuf4j.world.WorldImage;

/**
 * Contrastive pretraining of a small HF {@code CLIPModel} on the world (the scorer), with {@link ClipTrainer}. The
 * texts are the world's reference captions and object phrases ("a dog", "a puppy"); each text names its objects, so a
 * text counts as right for every image of the batch that holds them (a second dog is not pushed away from "a dog").
 * With {@link Options#hardNegatives} the phrases of an image's absent group-mates (the scene's other categories,
 * what a captioner invents) join the batch as extra wrong texts for it.
 */
public final class WorldClipTrainer {

    /**
     * @param patchSize     vision patch side in pixels; the scorer's default differs from the captioner's tower
     * @param captionRate   share of an image's training texts that are whole reference captions (the rest: object phrases)
     * @param hardNegatives absent group-mates' phrases per image and step on the image side of the loss; 0: none
     * @param sceneBatches  share of the batches drawn from one scene type: the scene's background then tells nothing,
     *                      only its objects do
     * @param objectWeight  weight of the object loss (SigLIP's sigmoid loss of each image against every category's
     *                      prompts, {@link ClipTrainer.ObjectLoss}); 0: caption InfoNCE alone
     * @param captionWeight weight of caption InfoNCE; 0: the object loss alone (one example per image)
     * @param extraImages   images of the world's kind drawn beyond its splits ({@link World#extraImages}) that join the
     *                      training split for this training: a pretraining corpus larger than the captioner's data
     * @param captionForms  the object loss's prompts name each category in every form a caption may
     *                      ({@link org.efuf4j.world.WorldCategory#forms()}: plurals, "TV"), not only by its terms; EFUF
     *                      scores the words a caption uses, and a scorer that never read "TVs" or "umbrellas" scored present
     *                      ones far below any hallucination (the whole bottom of D- on world seed 1)
     */
    public record Options(int visionHidden, int visionLayers, int visionHeads, int patchSize, int textHidden,
                          int textLayers, int textHeads, int projectionDim, int maxTextLength, int vocabSize,
                          int steps, int batchSize, double learningRate, double weightDecay, double captionRate,
                          int hardNegatives, double sceneBatches, long seed, double objectWeight, double captionWeight, int extraImages,
                          boolean captionForms) {
        public Options {
            if (extraImages < 0) throw new IllegalArgumentException("extraImages must be >= 0, got " + extraImages);
            if (steps < 1 || batchSize < 2) throw new IllegalArgumentException("CLIP training needs steps >= 1 and batchSize >= 2, got "
                    + steps + " and " + batchSize);
            if (!(captionRate >= 0 && captionRate < 1)) throw new IllegalArgumentException("captionRate must be in [0, 1), got " + captionRate);
            if (hardNegatives < 0) throw new IllegalArgumentException("hardNegatives must be >= 0, got " + hardNegatives);
            if (!(objectWeight >= 0 && captionWeight >= 0 && objectWeight + captionWeight > 0))
                throw new IllegalArgumentException("objectWeight and captionWeight must be >= 0 and not both 0, got " + objectWeight + " and " + captionWeight);
        }

        /**
         * The embedded default's scorer: a ViT with 8-pixel patches, width 128 and 4 layers trained on the object loss
         * alone (the prototype's shape: 400 steps of 128 images reached AUC 0.96 present vs absent on 24 categories;
         * here 400 steps reached 0.99 present vs absent but 0.89 against absent group-mates, with whole categories
         * near chance even on training images; 800 steps reach 0.93 on held-out images and fit the 2000 training
         * images almost exactly: group-mate AUC 0.9997 on them against 0.93 held out. So it sees 18000 more images of the
         * world's kind besides the split, about 5.7 passes in 800 steps instead of 51).
         * Caption InfoNCE first learns to tell the scenes apart and plateaus there (group-mate AUC 0.71-0.73 after
         * 300 steps at p8, 0.83 after 1200 at p16, measured here before the object loss).
         */
        public static Options small() {
            return new Options(128, 4, 4, 8, 64, 2, 4, 64, 48, 700, 800, 128, 2e-3, 0.1, 0.4, 0, 0.0, 7001, 1.0, 0.0, 18000, true);
        }

        /**
         * The captioner's vision tower: the scorer's recipe with another seed, as LLaVA's tower is another CLIP than
         * the scorer; its text tower is dropped after pretraining.
         */
        public static Options captionerTower() {
            // on the split alone and the categories' terms: its probe gate holds so, its text tower is dropped, and the
            // shipped captioner was trained on this tower
            return small().withSeed(8001).withExtraImages(0).withCaptionForms(false);
        }

        /** Seconds: the captioner's tower in tests (another seed and patch size than {@link #tiny()}). */
        public static Options tinyTower() {
            return new Options(32, 1, 2, 8, 32, 1, 2, 32, 48, 400, 8, 16, 2e-3, 0.0, 0.4, 0, 0.0, 8001, 1.0, 0.5, 0, false);
        }

        /** Seconds: for tests. */
        public static Options tiny() {
            return new Options(32, 1, 2, 16, 32, 1, 2, 32, 48, 400, 12, 16, 2e-3, 0.0, 0.4, 2, 0.0, 7001, 1.0, 0.5, 24, true);
        }

        public Options withSeed(long seed) {
            return toBuilder().seed(seed).build();
        }

        /** Another vision tower shape: width, layers and heads. */
        public Options withVision(int hidden, int layers, int heads) {
            return toBuilder().vision(hidden, layers, heads).build();
        }

        public Options withBatch(int batchSize, double learningRate) {
            return toBuilder().batch(batchSize, learningRate).build();
        }

        /** The losses' weights: the object loss's and caption InfoNCE's. */
        public Options withLosses(double objectWeight, double captionWeight) {
            return toBuilder().losses(objectWeight, captionWeight).build();
        }

        public Options withExtraImages(int extraImages) {
            return toBuilder().extraImages(extraImages).build();
        }

        public Options withCaptionForms(boolean captionForms) {
            return toBuilder().captionForms(captionForms).build();
        }

        public Options withSteps(int steps) {
            return toBuilder().steps(steps).build();
        }

        public Options withPatchSize(int patchSize) {
            return toBuilder().patchSize(patchSize).build();
        }

        public Options withSceneBatches(double sceneBatches) {
            return toBuilder().sceneBatches(sceneBatches).build();
        }

        public Options withHardNegatives(int hardNegatives) {
            return toBuilder().hardNegatives(hardNegatives).build();
        }

        public Builder toBuilder() { return new Builder(this); }

        /** A copy of some options with a few fields changed: what the {@code with...} methods build on. */
        public static final class Builder {
            private int visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, projectionDim,
                    maxTextLength, vocabSize, steps, batchSize, hardNegatives, extraImages;
            private double learningRate, weightDecay, captionRate, sceneBatches, objectWeight, captionWeight;
            private long seed;
            private boolean captionForms;

            private Builder(Options o) {
                visionHidden = o.visionHidden;
                visionLayers = o.visionLayers;
                visionHeads = o.visionHeads;
                patchSize = o.patchSize;
                textHidden = o.textHidden;
                textLayers = o.textLayers;
                textHeads = o.textHeads;
                projectionDim = o.projectionDim;
                maxTextLength = o.maxTextLength;
                vocabSize = o.vocabSize;
                steps = o.steps;
                batchSize = o.batchSize;
                learningRate = o.learningRate;
                weightDecay = o.weightDecay;
                captionRate = o.captionRate;
                hardNegatives = o.hardNegatives;
                sceneBatches = o.sceneBatches;
                seed = o.seed;
                objectWeight = o.objectWeight;
                captionWeight = o.captionWeight;
                extraImages = o.extraImages;
                captionForms = o.captionForms;
            }

            public Builder vision(int hidden, int layers, int heads) { visionHidden = hidden; visionLayers = layers; visionHeads = heads; return this; }

            public Builder patchSize(int v) { patchSize = v; return this; }

            public Builder steps(int v) { steps = v; return this; }

            public Builder batch(int size, double lr) { batchSize = size; learningRate = lr; return this; }

            public Builder hardNegatives(int v) { hardNegatives = v; return this; }

            public Builder sceneBatches(double v) { sceneBatches = v; return this; }

            public Builder seed(long v) { seed = v; return this; }

            public Builder losses(double object, double caption) { objectWeight = object; captionWeight = caption; return this; }

            public Builder extraImages(int v) { extraImages = v; return this; }

            public Builder captionForms(boolean v) { captionForms = v; return this; }

            public Options build() {
                return new Options(visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, projectionDim,
                        maxTextLength, vocabSize, steps, batchSize, learningRate, weightDecay, captionRate, hardNegatives, sceneBatches, seed, objectWeight, captionWeight, extraImages, captionForms);
            }
        }

        /** One line naming every field: what the cache key digests. */
        public String canonical() {
            return String.format(Locale.ROOT, "clip v4 vision=%d/%d/%d/p%d text=%d/%d/%d proj=%d len=%d vocab=%d steps=%d batch=%d lr=%s wd=%s captions=%s hardNegatives=%d sceneBatches=%s seed=%d objectLoss=%s captionLoss=%s",
                    visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, projectionDim, maxTextLength,
                    vocabSize, steps, batchSize, learningRate, weightDecay, captionRate, hardNegatives, sceneBatches, seed, objectWeight, captionWeight)
                    // a training on the split alone keeps the line it had before extra images existed (and so its cache entries)
                    + (extraImages == 0 ? "" : " extraImages=" + extraImages) + (captionForms ? " prompts=caption-forms" : "");
        }

        /** The object loss over every category of {@code world}, each named by its name and its synonyms; null when off. */
        ClipTrainer.ObjectLoss objectLoss(World world) {
            if (objectWeight == 0) return null;
            Map<String, List<String>> prompts = new java.util.LinkedHashMap<>();
            for (String c : world.categoryNames()) {
                List<String> texts = new ArrayList<>();
                if (captionForms) {
                    for (String form : Catalogue.category(c).forms()) texts.add(ObjectPhrases.forTerm(form));
                } else {
                    texts.add(ObjectPhrases.forTerm(c));
                    for (String synonym : Catalogue.category(c).synonyms()) texts.add(ObjectPhrases.forTerm(synonym));
                }
                prompts.put(c, texts);
            }
            // SigLIP's bias of -10 suits a batch of thousands with one match a row; here an image shows about a tenth of
            // the categories, and at -10 the absent pairs sat near their target from the first step, so they had almost
            // no gradient (the bias only moved from -10 to -9.8 in 400 steps at lr 2e-3). Starting at the prior log-odds
            // gives both kinds theirs. Measured on world seed 1: the same group-mate AUC after 120 steps (0.60 either
            // way); with it and 800 steps instead of 400, 0.93 instead of 0.89.
            return new ClipTrainer.ObjectLoss(prompts, objectWeight, captionWeight, Math.log(10), priorLogOdds(world));
        }

        /** The log-odds that a training image shows a given category, over all images and categories. */
        static double priorLogOdds(World world) {
            List<WorldImage> train = world.images(Split.TRAIN);
            double present = 0;
            for (WorldImage image : train) present += image.categories().size();
            double p = present / ((double) train.size() * world.categoryNames().size());
            return Math.log(p / (1 - p));
        }

        ClipTrainer.Options training() {
            return training(steps);
        }

        /** The most steps a replay can re-run exactly: the warm-up's (the cosine after it depends on the run's length). */
        public int replayableSteps() {
            return Math.max(1, steps / 10);
        }

        /**
         * The first {@code stopAfter} steps of the full run: warm-up, logging and sampling are the full run's, and the
         * cosine decay starts only after the warm-up, so these steps are the full run's first steps exactly.
         */
        ClipTrainer.Options training(int stopAfter) {
            if (stopAfter > replayableSteps() && stopAfter != steps)
                throw new IllegalArgumentException("a replay stops within the warm-up (" + replayableSteps() + " steps), not after " + stopAfter);
            return new ClipTrainer.Options(stopAfter, batchSize, learningRate, Math.max(1, steps / 10), 0.05, weightDecay, 1.0, hardNegatives > 0,
                    hardNegatives, sceneBatches, seed, Math.max(1, steps / 20), null, 0);
        }
    }

    /**
     * What one run produced: the losses step by step, the wall time, the worker threads it ran on (training is
     * deterministic at a fixed thread count), the object loss's final temperature and bias (NaN without it) and the
     * perception it reached.
     */
    public record Run(Path dir, List<Double> losses, double seconds, int threads, double objectScale, double objectBias, Perception perception) {}

    /**
     * The trained CLIP's perception on the world's eval images, against ground truth (see {@link PerceptionGates}).
     *
     * @param objectAuc    the CLIP score on every category in every image, present against absent
     * @param groupMateAuc the CLIP score on present objects against the scene's absent categories
     * @param probeAuc     linear probes on the tower's patch features (what the captioner's projector reads), present
     *                     against absent group-mates
     */
    public record Perception(double objectAuc, double groupMateAuc, double probeAuc) {}

    /** Training images the probe of {@link Perception#probeAuc} is fitted on. */
    static final int PROBE_TRAIN_IMAGES = 1000;

    private final Options options;
    private final Consumer<String> log;
    private final int measureEvery;

    public WorldClipTrainer(Options options, Consumer<String> log) { this(options, log, 0); }

    /**
     * With {@code measureEvery} > 0, the perception on 200 eval images (probes on 500 training images) is measured and
     * logged every that many steps (a multiple of the progress interval), to see how many steps a gate needs.
     */
    WorldClipTrainer(Options options, Consumer<String> log, int measureEvery) {
        this.options = options;
        this.log = log;
        this.measureEvery = measureEvery;
    }

    public static ClipConfig config(Options o, int imageSize, int vocabSize) {
        ClipVisionConfig vision = new ClipVisionConfig(o.visionHidden(), 4 * o.visionHidden(), o.projectionDim(), o.visionLayers(),
                o.visionHeads(), 3, imageSize, o.patchSize(), "quick_gelu", 1e-5, 0.0, 0.02, 1.0);
        // eos = the appended <|endoftext|> (the last id), so the text tower pools where the text ends
        ClipTextConfig text = new ClipTextConfig(vocabSize, o.textHidden(), 4 * o.textHidden(), o.projectionDim(), o.textLayers(),
                o.textHeads(), o.maxTextLength(), "quick_gelu", 1e-5, 0.0, 0.02, 1.0, 0, 1, vocabSize - 1);
        return new ClipConfig(text, vision, o.projectionDim(), 2.6592, 1.0);
    }

    /** Trains on the world's training split and saves config, weights, tokenizer and preprocessor into {@code dir}. */
    public Run train(World world, Path dir) {
        return train(world, dir, options.steps());
    }

    /** The losses of the full run's first {@code steps} steps, trained again from scratch; nothing is saved. */
    public List<Double> replay(World world, int steps) {
        return train(world, null, steps).losses();
    }

    private Run train(World world, Path dir, int stopAfter) {
        BpeTrainer.Result bpe = WorldTokenizer.learn(world, options.vocabSize());
        WorldTokenizer worldTokenizer = WorldTokenizer.forClip(bpe);
        Tokenizer tokenizer = worldTokenizer.tokenizer();
        int imageSize = world.config().imageSize();
        ClipModel model = ClipTrainer.newModel(config(options, imageSize, bpe.tokens().size() + 1), options.seed());
        List<WorldImage> train = new ArrayList<>(world.images(Split.TRAIN));
        train.addAll(world.extraImages(options.extraImages()));
        if (train.size() < 2) throw new IllegalArgumentException("CLIP training needs at least 2 training images, the world has " + train.size());
        Examples examples = options.captionWeight() == 0 ? imageExamples(train) : examples(train, new Random(options.seed() * 31 + 1));
        ClipTrainer trainer = new ClipTrainer(model, tokenizer, WorldPixels.processor(imageSize), options.training(stopAfter),
                text -> examples.objects().getOrDefault(text, Set.of()), options.objectLoss(world));
        TrainingProgress progress = new TrainingProgress("clip", stopAfter, log);
        ClipTrainer.Result result = trainer.train(examples.list(), p -> {
            progress.step(p.step(), p.loss(), (long) p.step() * options.batchSize());
            if (measureEvery > 0 && p.step() % measureEvery == 0 && p.step() < options.steps()) {
                Perception at = measure(world, model, tokenizer, 200, 500);
                log.accept(String.format(Locale.ROOT, "clip step %d at %.0f s: AUC present vs absent %.3f, vs group-mates %.3f, probe %.3f",
                        p.step(), progress.elapsedSeconds(), at.objectAuc(), at.groupMateAuc(), at.probeAuc()));
            }
        });
        double seconds = progress.elapsedSeconds();
        List<Double> losses = new ArrayList<>(result.losses().length);
        for (float l : result.losses()) losses.add((double) l);
        if (dir == null) return new Run(null, losses, seconds, Parallel.threads(), result.objectScale(), result.objectBias(), null);
        save(model, worldTokenizer, imageSize, dir);
        Perception perception = measure(world, model, tokenizer, Integer.MAX_VALUE, PROBE_TRAIN_IMAGES);
        log.accept(String.format(Locale.ROOT, "clip trained in %s on %d threads, saved to %s; eval AUC present vs absent %.3f, vs group-mates %.3f,"
                        + " probe on patch features %.3f", TrainingProgress.clock(seconds), Parallel.threads(), dir, perception.objectAuc(),
                perception.groupMateAuc(), perception.probeAuc()));
        return new Run(dir, losses, seconds, Parallel.threads(), result.objectScale(), result.objectBias(), perception);
    }

    /**
     * The perception of {@code model} on the first {@code evalImages} eval images, probes fitted on the first
     * {@code probeImages} training images.
     */
    static Perception measure(World world, ClipModel model, Tokenizer tokenizer, int evalImages, int probeImages) {
        List<WorldImage> eval = world.images(Split.EVAL);
        eval = eval.subList(0, Math.min(eval.size(), evalImages));
        var processor = WorldPixels.processor(world.config().imageSize());
        WorldModels.Scorer scorer = new WorldModels.Scorer(model, tokenizer, processor).embed(eval);
        return new Perception(PerceptionGates.objectAuc(eval, world.categoryNames(), scorer::score), PerceptionGates.groupMateAuc(eval, scorer::score),
                PerceptionGates.probeAuc(world, images -> PerceptionGates.patchFeatures(model, processor, images), probeImages));
    }

    /** One example per image for the object loss alone: its id stands for the caption, which is not encoded. */
    static Examples imageExamples(List<WorldImage> images) {
        List<ClipTrainer.Example> list = new ArrayList<>();
        for (WorldImage image : images)
            list.add(new ClipTrainer.Example(WorldPixels.rgb(image), image.imageId(), List.of(), image.categories(), image.scene()));
        return new Examples(list, Map.of());
    }

    static void save(ClipModel model, WorldTokenizer tokenizer, int imageSize, Path dir) {
        try {
            Files.createDirectories(dir);
            PretrainedModels.save(model, dir, WorldModels.WEIGHTS_DTYPE);
            tokenizer.save(dir);
            HfTokenizerFiles.write(dir, model.config(), null);
            PreprocessorConfig.write(WorldPixels.processor(imageSize), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CLIP model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The training examples and, for every text among them, the categories an image must hold for it to fit. */
    record Examples(List<ClipTrainer.Example> list, Map<String, Set<String>> objects) {}

    /**
     * Per image: one phrase per present category (its name or a synonym) and as many reference captions as make
     * {@code captionRate} of its texts; hard negatives are the phrases of the scene's categories the image lacks.
     */
    Examples examples(List<WorldImage> images, Random random) {
        List<ClipTrainer.Example> list = new ArrayList<>();
        Map<String, Set<String>> objects = new HashMap<>();
        for (WorldImage image : images) {
            var rgb = WorldPixels.rgb(image);
            Set<String> present = image.categories();
            List<String> absent = new ArrayList<>();
            for (String c : Catalogue.scene(image.scene()).categories()) {
                if (present.contains(c)) continue;
                String phrase = ObjectPhrases.forTerm(c);
                objects.put(phrase, Set.of(c));
                absent.add(phrase);
            }
            List<String> texts = new ArrayList<>();
            for (String c : present) {
                String phrase = ObjectPhrases.phrase(c, random);
                objects.put(phrase, Set.of(c));
                texts.add(phrase);
            }
            List<WorldCaption> references = new ArrayList<>(image.references());
            Collections.shuffle(references, random);
            long captions = Math.min(references.size(), Math.round(present.size() * options.captionRate() / (1 - options.captionRate())));
            for (WorldCaption c : references.subList(0, (int) captions)) {
                objects.put(c.text(), Set.copyOf(c.objects()));
                texts.add(c.text());
            }
            for (String t : texts) list.add(new ClipTrainer.Example(rgb, t, absent, present, image.scene()));
        }
        return new Examples(list, objects);
    }
}

package org.efuf4j.world.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.autograd.optim.GradClip;
import org.efuf4j.autograd.optim.LrSchedule;
import org.efuf4j.clip.PreprocessorConfig;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.config.FeatureSelectStrategy;
import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.HfTokenizerFiles;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.BpeTrainer;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.world.Catalogue;
import org.efuf4j.world.QaPair;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldCaption;
import org.efuf4j.world.WorldImage;

/**
 * Trains the world's base captioner the LLaVA way: a small HF {@code LlavaForConditionalGeneration} (CLIP vision tower,
 * two-layer GELU projector, LLaMA decoder), prompt tokens masked with -100 and {@code </s>} appended to every answer.
 *
 * <ol start="0">
 *   <li><b>language</b>: the decoder alone learns the world's text (short captions and detailed descriptions under
 *       their prompts, no image), as LLaVA starts from a pretrained LLaMA. This is where the language prior lives:
 *       a share p of the descriptions runs on past the present objects with co-occurring ones.</li>
 *   <li><b>alignment</b>: only the projector trains, on short captions, so that the frozen tower's patch features
 *       land where the decoder reads words (LLaVA's feature-alignment pretraining).</li>
 *   <li><b>instruction</b>: projector and decoder train on detailed descriptions and yes/no questions (LLaVA's
 *       visual instruction tuning); the questions, half of their "no"s about absent group-mates, make the decoder
 *       read the features, while the descriptions keep the prior that makes it run past its evidence.</li>
 * </ol>
 * The tower is a separately trained CLIP ({@link Options#visionFrom}), frozen in every stage as LLaVA's is; without
 * one (tests and the quick demo) a fresh tower trains with the instruction stage instead.
 */
public final class CaptionerTrainer {

    /** The stages in training order; their names key the losses in {@code training.json} and the manifest. */
    public enum Stage {
        LANGUAGE("language"), ALIGNMENT("alignment"), INSTRUCTION("instruction");

        public final String key;

        Stage(String key) { this.key = key; }
    }

    /**
     * @param languageSteps  stage 0 steps (decoder on text alone); 0 skips it
     * @param alignSteps     stage 1 steps (projector on short captions); 0 skips it
     * @param steps          stage 2 steps (projector and decoder on descriptions and questions)
     * @param qaRate         share of stage-2 examples that are yes/no questions rather than descriptions
     * @param visionFrom     a CLIP model directory whose vision tower becomes the captioner's (its shape then wins over
     *                       the vision fields here), or null for a fresh tower that trains in stage 2
     * @param learningRate   peak learning rate of stages 0 and 1
     * @param instructionLearningRate peak learning rate of stage 2
     * @param selectEvery    stage 2 measures the captioner on the validation images every this many steps and keeps the
     *                       best checkpoint ({@link CheckpointSelection}); 0 keeps the last step
     * @param questionPairs  how each "Yes" question finds the "No" drawn with it ({@link QuestionPairs})
     */
    public record Options(int visionHidden, int visionLayers, int visionHeads, int patchSize, int textHidden, int textLayers,
                          int textHeads, int vocabSize, int languageSteps, int alignSteps, int steps, int batchSize,
                          double learningRate, double weightDecay, double qaRate, long seed, Path visionFrom, boolean freezeVision,
                          int selectEvery, double instructionLearningRate, QuestionPairs questionPairs) {
        public Options {
            if (steps < 1 || batchSize < 1) throw new IllegalArgumentException("captioner training needs steps >= 1 and batchSize >= 1, got "
                    + steps + " and " + batchSize);
            if (languageSteps < 0 || alignSteps < 0) throw new IllegalArgumentException("languageSteps and alignSteps must be >= 0, got "
                    + languageSteps + " and " + alignSteps);
            if (qaRate < 0 || qaRate > 1) throw new IllegalArgumentException("qaRate must be a probability, got " + qaRate);
            if (!(instructionLearningRate > 0)) throw new IllegalArgumentException("instructionLearningRate must be > 0, got " + instructionLearningRate);
            if (selectEvery < 0) throw new IllegalArgumentException("selectEvery must be >= 0 steps (0: keep the last step), got " + selectEvery);
            java.util.Objects.requireNonNull(questionPairs, "questionPairs");
        }

        /**
         * The embedded default's captioner (a frozen tower comes from {@link WorldModels}). Its decoder has three layers:
         * with two, world seed 1's captioner never learnt to answer yes/no questions from the image (it affirmed 85% of
         * questions about absent objects of another scene, at every checkpoint of four recipes), and with three its
         * validation POPE F1 on the popular split rose from 0.67 to 0.91 within 900 steps (BENCHMARKS.md): an answer
         * that must look up the asked object in the image takes a layer more than naming what the image shows.
         */
        public static Options small() {
            return new Options(64, 2, 4, 16, 128, 3, 4, 700, 250, 100, 2000, 32, 2e-3, 0.05, 0.5, 9001, null, false, 100, 1e-3, QuestionPairs.SAME_IMAGE);
        }

        /** Seconds: for tests. */
        public static Options tiny() {
            return new Options(32, 1, 2, 16, 48, 1, 2, 400, 6, 4, 20, 8, 3e-3, 0.0, 0.35, 9001, null, false, 0, 3e-3, QuestionPairs.SAME_IMAGE);
        }

        public Options withSteps(int languageSteps, int alignSteps, int steps) {
            return toBuilder().steps(languageSteps, alignSteps, steps).build();
        }

        public Options withInstructionLearningRate(double lr) {
            return toBuilder().instructionLearningRate(lr).build();
        }

        public Options withSelectEvery(int selectEvery) {
            return toBuilder().selectEvery(selectEvery).build();
        }

        public Options withQaRate(double qaRate) {
            return toBuilder().qaRate(qaRate).build();
        }

        public Options withVisionFrom(Path clipDir, boolean freeze) {
            return toBuilder().visionFrom(clipDir, freeze).build();
        }

        public Builder toBuilder() { return new Builder(this); }

        /** A copy of some options with a few fields changed: what the {@code with...} methods build on. */
        public static final class Builder {
            private int visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, vocabSize, languageSteps,
                    alignSteps, steps, batchSize, selectEvery;
            private double learningRate, weightDecay, qaRate, instructionLearningRate;
            private long seed;
            private Path visionFrom;
            private boolean freezeVision;
            private QuestionPairs questionPairs;

            private Builder(Options o) {
                visionHidden = o.visionHidden;
                visionLayers = o.visionLayers;
                visionHeads = o.visionHeads;
                patchSize = o.patchSize;
                textHidden = o.textHidden;
                textLayers = o.textLayers;
                textHeads = o.textHeads;
                vocabSize = o.vocabSize;
                languageSteps = o.languageSteps;
                alignSteps = o.alignSteps;
                steps = o.steps;
                batchSize = o.batchSize;
                learningRate = o.learningRate;
                weightDecay = o.weightDecay;
                qaRate = o.qaRate;
                seed = o.seed;
                visionFrom = o.visionFrom;
                freezeVision = o.freezeVision;
                selectEvery = o.selectEvery;
                instructionLearningRate = o.instructionLearningRate;
                questionPairs = o.questionPairs;
            }

            /** The three stages' steps: language only, projector alignment, instruction tuning. */
            public Builder steps(int language, int align, int instruction) { languageSteps = language; alignSteps = align; steps = instruction; return this; }

            /** Batch size and the first two stages' learning rate. */
            public Builder batch(int size, double lr) { batchSize = size; learningRate = lr; return this; }

            public Builder instructionLearningRate(double v) { instructionLearningRate = v; return this; }

            public Builder selectEvery(int v) { selectEvery = v; return this; }

            public Builder qaRate(double v) { qaRate = v; return this; }

            public Builder weightDecay(double v) { weightDecay = v; return this; }

            /** The decoder's width, layers and attention heads. */
            public Builder text(int hidden, int layers, int heads) { textHidden = hidden; textLayers = layers; textHeads = heads; return this; }

            /** The seed of the captioner's initialisation and example draws. */
            public Builder seed(long v) { seed = v; return this; }

            public Builder questionPairs(QuestionPairs v) { questionPairs = v; return this; }

            public Builder visionFrom(Path dir, boolean freeze) { visionFrom = dir; freezeVision = freeze; return this; }

            public Options build() {
                return new Options(visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, vocabSize, languageSteps,
                        alignSteps, steps, batchSize, learningRate, weightDecay, qaRate, seed, visionFrom, freezeVision, selectEvery, instructionLearningRate,
                        questionPairs);
            }
        }

        /**
         * One line naming every field that shapes the model. With a tower from a CLIP folder its vision fields are
         * unused, so the line names the folder instead (it once printed the unused fields and "from=null" beside a
         * frozen tower, which read as a captioner training its own small vision).
         */
        public String canonical() {
            String vision = visionFrom == null ? String.format(Locale.ROOT, "%d/%d/%d/p%d", visionHidden, visionLayers, visionHeads, patchSize)
                    : visionFrom.getFileName() + (freezeVision ? " (frozen)" : " (trained)");
            return String.format(Locale.ROOT, "captioner v4 vision=%s text=%d/%d/%d vocab=%d steps=%d+%d+%d batch=%d lr=%s%s wd=%s qa=%s seed=%d",
                    vision, textHidden, textLayers, textHeads, vocabSize, languageSteps, alignSteps, steps, batchSize, learningRate,
                    instructionLearningRate == learningRate ? "" : "/" + new java.math.BigDecimal(Double.toString(instructionLearningRate)).stripTrailingZeros().toPlainString(), weightDecay, qaRate, seed) + (selectEvery > 0 ? " select=" + selectEvery + " on validation" : "")
                    // named only where it is not the first recipe's, so the models trained before it keep their cache keys
                    + (questionPairs == QuestionPairs.SAME_IMAGE ? "" : " questions=" + questionPairs.key);
        }
    }

    /**
     * What one run produced: the losses of each stage, step by step, the wall time, and the instruction stage's
     * checkpoints measured on the validation images with the one kept (empty and null without selection).
     */
    public record Run(Path dir, Map<Stage, List<Double>> losses, double seconds, List<CheckpointSelection.Checkpoint> checkpoints,
                      CheckpointSelection.Checkpoint selected) {
        Run(Path dir, Map<Stage, List<Double>> losses, double seconds) { this(dir, losses, seconds, List.of(), null); }

        /** Every stage's losses one after the other, in stage order. */
        public List<Double> allLosses() {
            List<Double> all = new ArrayList<>();
            losses.values().forEach(all::addAll);
            return all;
        }
    }

    /**
     * How the instruction stage pairs its questions. Every "Yes" is drawn with a "No" so that a batch's answers split
     * evenly; what the "No" is about decides what else the answers can be learned from.
     */
    public enum QuestionPairs {
        /**
         * The "No" is about the same image: an absent group-mate, an object of another scene, or one the world never
         * draws. An object's name then says a little about the answer: on world seed 1's training images each drawn
         * object is answered "Yes" in 53-63% of its questions, and every name the world never draws "No".
         */
        SAME_IMAGE("same-image"),
        /**
         * The "No" is the same question about another training image, one of the object's own scene where it is
         * absent where there is such an image: every object the world draws is asked "Yes" and "No" equally often, so
         * only the image can tell the answers apart. Each image also keeps its question about an object the world
         * never draws (POPE's random split asks mostly about those), drawn with a "Yes" about one of its objects.
         * On world seed 1, whose shipped captioner answers from the names alone, this did not make it read the image
         * (validation POPE F1 popular 0.52-0.66; BENCHMARKS.md), so the shipped recipe keeps {@link #SAME_IMAGE}.
         */
        SAME_QUESTION("same-question");

        /** The name in the options' canonical line. */
        public final String key;

        QuestionPairs(String key) { this.key = key; }
    }

    /**
     * One training example: an image (null for text alone), a prompt and the answer the model must write; a question
     * answered "Yes" has a {@code partner} answered "No", drawn with it ({@link QuestionPairs}).
     */
    record Example(WorldImage image, String prompt, String answer, Example partner) {
        Example(WorldImage image, String prompt, String answer) { this(image, prompt, answer, null); }
    }

    private final Options options;
    private final Consumer<String> log;
    /** Steps the current run may take in all (a replay's few, else unbounded). */
    private int stopAfter = Integer.MAX_VALUE;

    public CaptionerTrainer(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public static LlavaConfig config(Options o, ClipVisionConfig vision, int vocabSize) {
        int rows = (vision.imageSize() / vision.patchSize()) * (vision.imageSize() / vision.patchSize());
        LlamaConfig text = new LlamaConfig(LlamaConfig.LLAMA, vocabSize, o.textHidden(), 4 * o.textHidden(), o.textLayers(), o.textHeads(),
                o.textHeads(), o.textHidden() / o.textHeads(), "silu", 512, 1e-6, 10000.0, null, false, false, false, 0.0, 0.02, 1,
                List.of(2), 0, false, null, 0);
        // vision_feature_layer -1: the tower is small, so the projector reads its last layer
        return new LlavaConfig(vision, text, -100, vocabSize - 1, "gelu", -1, FeatureSelectStrategy.DEFAULT, rows, 0);
    }

    public Run train(World world, Path dir) {
        return train(world, dir, Integer.MAX_VALUE);
    }

    /**
     * The losses of the full run's first {@code steps} steps (of its first stage with steps), trained again from
     * scratch; nothing is saved. The stages' schedules take their length from the options, so these are the full
     * run's first steps exactly.
     */
    public List<Double> replay(World world, int steps) {
        return train(world, null, steps).allLosses();
    }

    private Run train(World world, Path dir, int stopAfter) {
        BpeTrainer.Result bpe = WorldTokenizer.learn(world, options.vocabSize());
        WorldTokenizer worldTokenizer = WorldTokenizer.forCaptioner(bpe);
        Tokenizer tokenizer = worldTokenizer.tokenizer();
        int imageSize = world.config().imageSize();
        ClipModel visionSource = options.visionFrom() == null ? null
                : PretrainedModels.load(options.visionFrom(), null, Device.CPU, ClipModel.class);
        ClipVisionConfig vision = visionSource != null ? visionSource.config().visionConfig()
                : new ClipVisionConfig(options.visionHidden(), 4 * options.visionHidden(), options.visionHidden(), options.visionLayers(),
                        options.visionHeads(), 3, imageSize, options.patchSize(), "quick_gelu", 1e-5, 0.0, 0.02, 1.0);
        if (vision.imageSize() != imageSize)
            throw new IllegalArgumentException(options.visionFrom() + ": the vision tower reads " + vision.imageSize()
                    + " pixels, but the world's images have " + imageSize);
        LlavaConfig config = config(options, vision, bpe.tokens().size() + 1);
        LlavaForConditionalGeneration model = new LlavaForConditionalGeneration(config, new Random(options.seed()));
        boolean towerTrains = visionSource == null || !options.freezeVision();
        if (visionSource != null) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            visionSource.visionModel.stateDict().forEach((k, t) -> state.put("vision_model." + k, t));
            model.visionTower.loadStateDict(state, true, options.visionFrom().toString());
            PretrainedModels.makeTrainable(model.visionTower);
        }
        List<WorldImage> images = world.images(Split.TRAIN);
        Map<Stage, List<Double>> losses = new LinkedHashMap<>();
        long start = System.nanoTime();
        this.stopAfter = stopAfter;
        // stage 0: the decoder on text alone
        model.freeze();
        model.languageModel.unfreeze();
        losses.put(Stage.LANGUAGE, stage(Stage.LANGUAGE, model, tokenizer, options.languageSteps(), new ExampleStream(List.of(
                Source.of(text(images, WorldImage::trainingCaptions, World.CAPTION_PROMPT), 0.5),
                Source.of(text(images, WorldImage::descriptions, World.DESCRIPTION_PROMPT), 0.5)), random(1)), losses, AFTER_NOTHING));
        if (stopped(losses)) return new Run(null, losses, (System.nanoTime() - start) / 1e9);
        // stage 1: the projector alone on short captions
        model.freeze();
        model.multiModalProjector.unfreeze();
        losses.put(Stage.ALIGNMENT, stage(Stage.ALIGNMENT, model, tokenizer, options.alignSteps(), new ExampleStream(List.of(
                Source.of(withImages(images, WorldImage::trainingCaptions, World.CAPTION_PROMPT), 1.0)), random(2)), losses, AFTER_NOTHING));
        if (stopped(losses)) return new Run(null, losses, (System.nanoTime() - start) / 1e9);
        // stage 2: projector and decoder (and a fresh tower) on descriptions and questions
        model.unfreeze();
        if (!towerTrains) model.visionTower.freeze();
        // a replay (no folder) only needs the first steps' losses, which selection does not touch
        CheckpointSelection selection = options.selectEvery() > 0 && dir != null ? new CheckpointSelection(world, options.selectEvery()) : null;
        WorldCaptioner captioner = selection == null ? null : WorldCaptioner.of(model, tokenizer, WorldPixels.processor(imageSize));
        losses.put(Stage.INSTRUCTION, stage(Stage.INSTRUCTION, model, tokenizer, options.steps(), new ExampleStream(List.of(
                Source.of(withImages(images, WorldImage::descriptions, World.DESCRIPTION_PROMPT), 1 - options.qaRate()),
                // a draw of a question brings its partner: half the share draws qaRate of the examples
                Source.of(questions(images, options.questionPairs(), random(4)), options.qaRate() / 2)), random(3)), losses, (step, steps) -> {
            if (selection != null && selection.due(step, steps)) log.accept("captioner validation " + selection.measure(step, model, captioner).line());
        }));
        CheckpointSelection.Checkpoint selected = selection == null ? null : selection.restoreBest(model);
        if (selected != null) log.accept("captioner: keeping the checkpoint of instruction " + selected.line());
        model.eval();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (dir == null) return new Run(null, losses, seconds);
        save(model, worldTokenizer, imageSize, dir);
        log.accept(String.format(Locale.ROOT, "captioner trained in %s, saved to %s", TrainingProgress.clock(seconds), dir));
        return new Run(dir, losses, seconds, selection == null ? List.of() : selection.measured(), selected);
    }

    /** A replay stops once it has its steps. */
    private boolean stopped(Map<Stage, List<Double>> losses) {
        return stepsRun(losses) >= stopAfter;
    }

    private static int stepsRun(Map<Stage, List<Double>> losses) {
        int run = 0;
        for (List<Double> l : losses.values()) run += l.size();
        return run;
    }

    private Random random(int stage) { return new Random(options.seed() * 31 + 7 * stage); }

    /** What a stage does after each of its steps (step from 1, of {@code steps}). */
    @FunctionalInterface
    private interface AfterStep {
        void after(int step, int steps);
    }

    private static final AfterStep AFTER_NOTHING = (step, steps) -> {};

    /** Runs one stage over whatever parameters are trainable now, with its own AdamW and cosine schedule. */
    private List<Double> stage(Stage stage, LlavaForConditionalGeneration model, Tokenizer tokenizer, int steps, ExampleStream examples,
                               Map<Stage, List<Double>> done, AfterStep afterStep) {
        List<Double> losses = new ArrayList<>();
        if (steps == 0) return losses;
        LlavaConfig config = model.config();
        model.train(true);
        double lr = stage == Stage.INSTRUCTION ? options.instructionLearningRate() : options.learningRate();
        AdamW opt = new AdamW(model.trainableParameters(), lr, 0.9f, 0.98f, 1e-8f, (float) options.weightDecay());
        LrSchedule schedule = LrSchedule.cosine(lr, Math.max(1, steps / 10), steps, lr * 0.05);
        ImagePreprocessor processor = WorldPixels.processor(config.visionConfig().imageSize());
        TrainingProgress progress = new TrainingProgress("captioner " + stage.key, steps, log);
        int last = Math.min(steps, stopAfter - stepsRun(done));
        for (int step = 1; step <= last; step++) {
            List<Example> batch = examples.next(options.batchSize());
            boolean textOnly = batch.getFirst().image() == null;
            SequenceBatch seq = SequenceBatch.of(config, tokenizer, batch);
            Tensor pixels = null;
            if (!textOnly) {
                List<WorldImage> images = new ArrayList<>(batch.size());
                for (Example e : batch) images.add(e.image());
                pixels = WorldPixels.batch(images, processor);
            }
            schedule.apply(opt);
            opt.zeroGrad();
            Variable logits = model.forward(seq.ids(), seq.mask(), pixels).logits();
            // per example, not per token: a yes/no answer (two target tokens) weighs as much as a 50-token description; by
            // tokens the questions had 1% of the gradient and the captioner answered at chance (POPE F1 0.50-0.55)
            Variable loss = Losses.tokenCrossEntropy(logits, seq.targets(), Losses.Reduction.MEAN_PER_SAMPLE);
            loss.backward();
            GradClip.clipGlobalNorm(model.trainableParameters(), 1.0);
            opt.step();
            double value = loss.value().toFloatArray()[0];
            losses.add(value);
            progress.step(step, value, (long) step * batch.size());
            afterStep.after(step, steps);
        }
        return losses;
    }

    private static List<Example> text(List<WorldImage> images, Function<WorldImage, List<WorldCaption>> texts, String prompt) {
        List<Example> out = new ArrayList<>();
        for (WorldImage image : images) for (WorldCaption c : texts.apply(image)) out.add(new Example(null, prompt, c.text()));
        return out;
    }

    private static List<Example> withImages(List<WorldImage> images, Function<WorldImage, List<WorldCaption>> texts, String prompt) {
        List<Example> out = new ArrayList<>();
        for (WorldImage image : images) for (WorldCaption c : texts.apply(image)) out.add(new Example(image, prompt, c.text()));
        return out;
    }

    static List<Example> questions(List<WorldImage> images, QuestionPairs pairs, Random random) {
        return pairs == QuestionPairs.SAME_IMAGE ? questions(images) : sameQuestionPairs(images, random);
    }

    /** {@link QuestionPairs#SAME_QUESTION}: for each present object of each image, the same question about an image without it. */
    static List<Example> sameQuestionPairs(List<WorldImage> images, Random random) {
        Set<String> drawn = new TreeSet<>();
        for (WorldImage image : images) drawn.addAll(image.categories());
        Map<String, List<WorldImage>> sceneMatesWithout = new TreeMap<>(), without = new TreeMap<>();
        for (String c : drawn) {
            for (WorldImage image : images) {
                if (image.categories().contains(c)) continue;
                without.computeIfAbsent(c, k -> new ArrayList<>()).add(image);
                if (Catalogue.scene(image.scene()).categories().contains(c)) sceneMatesWithout.computeIfAbsent(c, k -> new ArrayList<>()).add(image);
            }
        }
        List<Example> out = new ArrayList<>();
        for (WorldImage image : images) {
            List<String> present = new ArrayList<>(image.categories());
            for (String c : present) {
                List<WorldImage> pool = sceneMatesWithout.getOrDefault(c, without.get(c));
                if (pool == null) continue; // an object in every image: no image answers "No"
                QaPair yes = new QaPair(c, true), no = new QaPair(c, false);
                WorldImage other = pool.get(random.nextInt(pool.size()));
                out.add(new Example(image, yes.question(), yes.answer(), new Example(other, no.question(), no.answer())));
            }
            for (QaPair q : image.questions()) {
                if (q.present() || drawn.contains(q.object()) || present.isEmpty()) continue;
                QaPair yes = new QaPair(present.get(random.nextInt(present.size())), true);
                out.add(new Example(image, yes.question(), yes.answer(), new Example(image, q.question(), q.answer())));
            }
        }
        return out;
    }

    static List<Example> questions(List<WorldImage> images) {
        List<Example> out = new ArrayList<>();
        // in pairs, a "Yes" and a "No" about one image: a batch's answers then always split evenly, so the only steady
        // gradient the questions give is the one that reads the image. Drawn one by one, a batch of 13 questions held
        // 3 to 10 "Yes"es, and the captioner's answer swung between always "Yes" and always "No" from one validation
        // checkpoint to the next (F1 0.80 / 0.67 / 0.72, then 0.00 on every split) instead of reading the image
        for (WorldImage image : images) {
            List<QaPair> yes = new ArrayList<>(), no = new ArrayList<>();
            for (QaPair q : image.questions()) (q.present() ? yes : no).add(q);
            for (int i = 0; i < Math.min(yes.size(), no.size()); i++)
                out.add(new Example(image, yes.get(i).question(), yes.get(i).answer(),
                        new Example(image, no.get(i).question(), no.get(i).answer())));
        }
        return out;
    }

    static void save(LlavaForConditionalGeneration model, WorldTokenizer tokenizer, int imageSize, Path dir) {
        try {
            Files.createDirectories(dir);
            PretrainedModels.save(model, dir, WorldModels.WEIGHTS_DTYPE);
            tokenizer.save(dir);
            // the prompt the captioner is instruction-tuned on and measured with (after instruction tuning the short-caption
            // prompt of the alignment stage gets "No": efuf caption and evaluate default to the recorded one)
            HfTokenizerFiles.write(dir, model.config(), new HfTokenizerFiles.ChatPrompt(WorldTokenizer.TEMPLATE, World.DESCRIPTION_PROMPT));
            PreprocessorConfig.write(WorldPixels.processor(imageSize), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the captioner to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A pool of examples and the share of a batch's draws that come from it. */
    record Source(List<Example> examples, double share) {
        static Source of(List<Example> examples, double share) { return new Source(new ArrayList<>(examples), share); }
    }

    /**
     * Draws each example of a batch from one of the sources (by their shares), each source's pool without replacement,
     * shuffled epoch by epoch, an example's partner right after it (unless the batch is full); an empty source or one of
     * share 0 is never drawn.
     */
    static final class ExampleStream {
        private final List<Source> sources = new ArrayList<>();
        private final int[] cursors;
        private final double total;
        private final Random random;

        ExampleStream(List<Source> all, Random random) {
            double sum = 0;
            for (Source s : all) {
                if (s.examples().isEmpty() || s.share() <= 0) continue;
                sources.add(s);
                sum += s.share();
            }
            if (sources.isEmpty()) throw new IllegalArgumentException("the world has no training examples for this captioner stage");
            this.total = sum;
            this.random = random;
            cursors = new int[sources.size()];
            for (int i = 0; i < cursors.length; i++) cursors[i] = sources.get(i).examples().size();
        }

        List<Example> next(int n) {
            List<Example> out = new ArrayList<>(n);
            while (out.size() < n) {
                int k = 0;
                if (sources.size() > 1) {
                    double u = random.nextDouble() * total;
                    while (k < sources.size() - 1 && u >= sources.get(k).share()) u -= sources.get(k++).share();
                }
                List<Example> pool = sources.get(k).examples();
                if (cursors[k] == pool.size()) {
                    Collections.shuffle(pool, random);
                    cursors[k] = 0;
                }
                Example e = pool.get(cursors[k]++);
                out.add(e);
                if (e.partner() != null && out.size() < n) out.add(e.partner());
            }
            return out;
        }
    }

    /** Prompt + answer + {@code </s>}, right-padded; targets are the next token on answer positions, -100 elsewhere. */
    record SequenceBatch(Tensor ids, Tensor mask, Tensor targets) {
        static SequenceBatch of(LlavaConfig config, Tokenizer tokenizer, List<Example> examples) {
            int eos = config.textConfig().eosTokenIds().getFirst();
            long[][] seqs = new long[examples.size()][];
            int[] promptLengths = new int[examples.size()];
            int length = 0;
            for (int i = 0; i < examples.size(); i++) {
                Example e = examples.get(i);
                long[] prompt = e.image() == null ? CaptionPrompt.textOnlyIds(tokenizer, e.prompt()) : CaptionPrompt.ids(config, tokenizer, e.prompt());
                int[] answer = tokenizer.encode(e.answer(), false);
                long[] seq = Arrays.copyOf(prompt, prompt.length + answer.length + 1);
                for (int k = 0; k < answer.length; k++) seq[prompt.length + k] = answer[k];
                seq[seq.length - 1] = eos;
                seqs[i] = seq;
                promptLengths[i] = prompt.length;
                length = Math.max(length, seq.length);
            }
            int b = examples.size();
            long[] ids = new long[b * length], mask = new long[b * length], targets = new long[b * length];
            Arrays.fill(targets, -100);
            for (int i = 0; i < b; i++) {
                long[] seq = seqs[i];
                for (int t = 0; t < seq.length; t++) {
                    ids[i * length + t] = seq[t];
                    mask[i * length + t] = 1;
                    // position t predicts token t + 1: the answer's tokens and </s>, never the prompt
                    if (t + 1 >= promptLengths[i] && t + 1 < seq.length) targets[i * length + t] = seq[t + 1];
                }
            }
            return new SequenceBatch(Tensor.ofLongs(ids, b, length), Tensor.ofLongs(mask, b, length), Tensor.ofLongs(targets, b, length));
        }
    }
}

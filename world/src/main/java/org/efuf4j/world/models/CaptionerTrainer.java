package org.efuf4j.world.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

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
import org.efuf4j.world.QaPair;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldCaption;
import org.efuf4j.world.WorldImage;

/**
 * Trains the world's base captioner: a small HF {@code LlavaForConditionalGeneration} (CLIP vision tower, two-layer
 * GELU projector, LLaMA decoder) on the training split's captions and yes/no questions, prompt tokens masked with
 * -100 and {@code </s>} appended to every answer.
 *
 * <p>By default the vision tower is trained from scratch together with the projector and the decoder: the yes/no
 * questions (half of their "no"s about absent group-mates) put the presence of each object into the tower's
 * features, while the captions, some naming an absent group-mate, teach the decoder the co-occurrence prior that
 * makes it hallucinate. The tower is the captioner's own: the scorer CLIP is trained apart, with another seed and
 * patch size, as the method's premise needs. {@link Options#visionFrom} starts the tower from a CLIP directory
 * instead (frozen or not).
 */
public final class CaptionerTrainer {

    /**
     * @param qaRate     probability that a training example is a yes/no question rather than a caption
     * @param visionFrom a CLIP model directory whose vision tower starts the captioner's (its shape then wins over the
     *                   vision fields here), or null for a fresh tower
     */
    public record Options(int visionHidden, int visionLayers, int visionHeads, int patchSize, int textHidden, int textLayers,
                          int textHeads, int vocabSize, int steps, int batchSize, double learningRate, double weightDecay,
                          double qaRate, long seed, Path visionFrom, boolean freezeVision) {
        public Options {
            if (steps < 1 || batchSize < 1) throw new IllegalArgumentException("captioner training needs steps >= 1 and batchSize >= 1, got "
                    + steps + " and " + batchSize);
            if (qaRate < 0 || qaRate > 1) throw new IllegalArgumentException("qaRate must be a probability, got " + qaRate);
        }

        /** The embedded default's captioner: a few minutes on 2 cores. */
        public static Options small() {
            return new Options(64, 2, 4, 16, 128, 2, 4, 700, 800, 32, 2e-3, 0.05, 0.35, 9001, null, false);
        }

        /** Seconds: for tests. */
        public static Options tiny() {
            return new Options(32, 1, 2, 16, 48, 1, 2, 400, 20, 8, 3e-3, 0.0, 0.35, 9001, null, false);
        }

        public Options withSteps(int steps) {
            return new Options(visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, vocabSize, steps,
                    batchSize, learningRate, weightDecay, qaRate, seed, visionFrom, freezeVision);
        }

        public Options withVisionFrom(Path clipDir, boolean freeze) {
            return new Options(visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, vocabSize, steps,
                    batchSize, learningRate, weightDecay, qaRate, seed, clipDir, freeze);
        }

        public String canonical() {
            return String.format(Locale.ROOT, "captioner v1 vision=%d/%d/%d/p%d text=%d/%d/%d vocab=%d steps=%d batch=%d lr=%s wd=%s qa=%s seed=%d from=%s frozen=%s",
                    visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, vocabSize, steps, batchSize,
                    learningRate, weightDecay, qaRate, seed, visionFrom, freezeVision);
        }
    }

    public record Run(Path dir, List<Double> losses, double seconds) {}

    /** One training example: an image, a prompt and the answer the model must write. */
    record Example(WorldImage image, String prompt, String answer) {}

    private final Options options;
    private final Consumer<String> log;

    public CaptionerTrainer(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public static LlavaConfig config(Options o, ClipVisionConfig vision, int vocabSize) {
        int rows = (vision.imageSize() / vision.patchSize()) * (vision.imageSize() / vision.patchSize());
        LlamaConfig text = new LlamaConfig(LlamaConfig.LLAMA, vocabSize, o.textHidden(), 4 * o.textHidden(), o.textLayers(), o.textHeads(),
                o.textHeads(), o.textHidden() / o.textHeads(), "silu", 512, 1e-6, 10000.0, null, false, false, false, 0.0, 0.02, 1,
                List.of(2), 0, false, null, 0);
        // vision_feature_layer -1: the tower is small, so the projector reads its last layer (every layer then trains)
        return new LlavaConfig(vision, text, -100, vocabSize - 1, "gelu", -1, FeatureSelectStrategy.DEFAULT, rows, 0);
    }

    public Run train(World world, Path dir) {
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
        model.unfreeze();
        if (visionSource != null) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            visionSource.visionModel.stateDict().forEach((k, t) -> state.put("vision_model." + k, t));
            model.visionTower.loadStateDict(state, true, options.visionFrom().toString());
            PretrainedModels.makeTrainable(model.visionTower);
            if (options.freezeVision()) model.visionTower.freeze();
        }
        model.train(true);
        AdamW opt = new AdamW(model.trainableParameters(), options.learningRate(), 0.9f, 0.98f, 1e-8f, (float) options.weightDecay());
        LrSchedule schedule = LrSchedule.cosine(options.learningRate(), Math.max(1, options.steps() / 10), options.steps(), options.learningRate() * 0.05);
        ImagePreprocessor processor = WorldPixels.processor(imageSize);
        ExampleStream examples = new ExampleStream(world.images(Split.TRAIN), options.qaRate(), new Random(options.seed() * 31 + 7));
        List<Double> losses = new ArrayList<>();
        TrainingProgress progress = new TrainingProgress("captioner", options.steps(), log);
        for (int step = 1; step <= options.steps(); step++) {
            List<Example> batch = examples.next(options.batchSize());
            SequenceBatch seq = SequenceBatch.of(config, tokenizer, batch);
            List<WorldImage> images = new ArrayList<>(batch.size());
            for (Example e : batch) images.add(e.image());
            schedule.apply(opt);
            opt.zeroGrad();
            Variable logits = model.forward(seq.ids(), seq.mask(), WorldPixels.batch(images, processor)).logits();
            Variable loss = Losses.tokenCrossEntropy(logits, seq.targets(), Losses.Reduction.TOKEN_MEAN);
            loss.backward();
            GradClip.clipGlobalNorm(model.trainableParameters(), 1.0);
            opt.step();
            double value = loss.value().toFloatArray()[0];
            losses.add(value);
            progress.step(step, value, (long) step * batch.size());
        }
        model.eval();
        save(model, worldTokenizer, imageSize, dir);
        log.accept(String.format(Locale.ROOT, "captioner trained in %s, saved to %s", TrainingProgress.clock(progress.elapsedSeconds()), dir));
        return new Run(dir, losses, progress.elapsedSeconds());
    }

    static void save(LlavaForConditionalGeneration model, WorldTokenizer tokenizer, int imageSize, Path dir) {
        try {
            Files.createDirectories(dir);
            PretrainedModels.save(model, dir);
            tokenizer.save(dir);
            HfTokenizerFiles.write(dir, model.config(), new HfTokenizerFiles.ChatPrompt(WorldTokenizer.TEMPLATE, World.CAPTION_PROMPT));
            PreprocessorConfig.write(WorldPixels.processor(imageSize), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the captioner to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Captions and questions of the training images, drawn without replacement epoch by epoch. */
    static final class ExampleStream {
        private final List<Example> captions = new ArrayList<>(), questions = new ArrayList<>();
        private final double qaRate;
        private final Random random;
        private int captionCursor, questionCursor;

        ExampleStream(List<WorldImage> images, double qaRate, Random random) {
            for (WorldImage image : images) {
                for (WorldCaption c : image.trainingCaptions()) captions.add(new Example(image, World.CAPTION_PROMPT, c.text()));
                for (QaPair q : image.questions()) questions.add(new Example(image, q.question(), q.answer()));
            }
            if (captions.isEmpty()) throw new IllegalArgumentException("the world has no training captions to train a captioner on");
            this.qaRate = questions.isEmpty() ? 0 : qaRate;
            this.random = random;
            captionCursor = captions.size();
            questionCursor = questions.size();
        }

        List<Example> next(int n) {
            List<Example> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (random.nextDouble() < qaRate) {
                    if (questionCursor == questions.size()) {
                        java.util.Collections.shuffle(questions, random);
                        questionCursor = 0;
                    }
                    out.add(questions.get(questionCursor++));
                } else {
                    if (captionCursor == captions.size()) {
                        java.util.Collections.shuffle(captions, random);
                        captionCursor = 0;
                    }
                    out.add(captions.get(captionCursor++));
                }
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
                long[] prompt = CaptionPrompt.ids(config, tokenizer, e.prompt());
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

package org.efuf4j.efuf.world.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.SoftmaxOps;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.autograd.optim.GradClip;
import org.efuf4j.autograd.optim.LrSchedule;
import org.efuf4j.efuf.world.Split;
import org.efuf4j.efuf.world.World;
import org.efuf4j.efuf.world.WorldCaption;
import org.efuf4j.efuf.world.WorldImage;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.clip.ClipOutput;
import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.config.ClipTextConfig;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.BpeTrainer;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Tensor;

/**
 * Contrastive pretraining of a small HF {@code CLIPModel} on the world (the scorer). The texts are the world's
 * reference captions and object phrases ("a dog", "puppy"); since several images of a batch may hold the named
 * objects, the loss is CLIP's symmetric cross-entropy with every matching pair as a positive (targets spread
 * evenly over them) instead of the diagonal only, so a second dog is not pushed away from "a dog".
 */
public final class WorldClipTrainer {

    /**
     * @param patchSize   vision patch side in pixels; the scorer's default differs from the captioner's tower
     * @param captionRate fraction of training texts that are whole reference captions (the rest: object phrases)
     */
    public record Options(int visionHidden, int visionLayers, int visionHeads, int patchSize, int textHidden,
                          int textLayers, int textHeads, int projectionDim, int maxTextLength, int vocabSize,
                          int steps, int batchSize, double learningRate, double weightDecay, double captionRate,
                          long seed) {
        public Options {
            if (steps < 1 || batchSize < 2) throw new IllegalArgumentException("CLIP training needs steps >= 1 and batchSize >= 2, got "
                    + steps + " and " + batchSize);
        }

        /** The embedded default's scorer: a few minutes on 2 cores. */
        public static Options small() {
            return new Options(64, 3, 4, 8, 64, 2, 4, 64, 48, 700, 300, 48, 2e-3, 0.1, 0.4, 7001);
        }

        /**
         * The captioner's own tower when it is pretrained apart from the scorer: another seed, 16-pixel patches (16
         * image rows for the decoder) and a smaller text tower, which is dropped after pretraining.
         */
        public static Options captionerTower() {
            return new Options(64, 2, 4, 16, 48, 1, 4, 64, 48, 700, 300, 48, 2e-3, 0.1, 0.4, 8001);
        }

        /** Seconds: the captioner's tower in tests (another seed and patch size than {@link #tiny()}). */
        public static Options tinyTower() {
            return new Options(32, 1, 2, 8, 32, 1, 2, 32, 48, 400, 8, 16, 2e-3, 0.0, 0.4, 8001);
        }

        /** Seconds: for tests. */
        public static Options tiny() {
            return new Options(32, 1, 2, 16, 32, 1, 2, 32, 48, 400, 12, 16, 2e-3, 0.0, 0.4, 7001);
        }

        public Options withSteps(int steps) {
            return new Options(visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, projectionDim,
                    maxTextLength, vocabSize, steps, batchSize, learningRate, weightDecay, captionRate, seed);
        }

        /** One line naming every field: what the cache key digests. */
        public String canonical() {
            return String.format(Locale.ROOT, "clip v1 vision=%d/%d/%d/p%d text=%d/%d/%d proj=%d len=%d vocab=%d steps=%d batch=%d lr=%s wd=%s captions=%s seed=%d",
                    visionHidden, visionLayers, visionHeads, patchSize, textHidden, textLayers, textHeads, projectionDim, maxTextLength,
                    vocabSize, steps, batchSize, learningRate, weightDecay, captionRate, seed);
        }
    }

    /** What one run produced: the losses step by step and the wall time. */
    public record Run(Path dir, List<Double> losses, double seconds) {}

    private final Options options;
    private final Consumer<String> log;

    public WorldClipTrainer(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
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
        BpeTrainer.Result bpe = WorldTokenizer.learn(world, options.vocabSize());
        WorldTokenizer worldTokenizer = WorldTokenizer.forClip(bpe);
        Tokenizer tokenizer = worldTokenizer.tokenizer();
        int imageSize = world.config().imageSize();
        ClipModel model = new ClipModel(config(options, imageSize, bpe.tokens().size() + 1), new Random(options.seed()));
        model.unfreeze();
        model.train(true);
        AdamW opt = new AdamW(model.trainableParameters(), options.learningRate(), 0.9f, 0.98f, 1e-6f, (float) options.weightDecay());
        LrSchedule schedule = LrSchedule.cosine(options.learningRate(), Math.max(1, options.steps() / 10), options.steps(), options.learningRate() * 0.05);
        ImagePreprocessor processor = WorldPixels.processor(imageSize);
        List<WorldImage> train = world.images(Split.TRAIN);
        if (train.size() < 2) throw new IllegalArgumentException("CLIP training needs at least 2 training images, the world has " + train.size());
        Random random = new Random(options.seed() * 31 + 1);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) order.add(i);
        int cursor = order.size();
        int batch = Math.min(options.batchSize(), train.size());
        List<Double> losses = new ArrayList<>();
        TrainingProgress progress = new TrainingProgress("clip", options.steps(), log);
        for (int step = 1; step <= options.steps(); step++) {
            List<WorldImage> images = new ArrayList<>(batch);
            for (int k = 0; k < batch; k++) {
                if (cursor == order.size()) {
                    Collections.shuffle(order, random);
                    cursor = 0;
                }
                images.add(train.get(order.get(cursor++)));
            }
            List<Text> texts = texts(images, random);
            TextBatch tb = TextBatch.of(tokenizer, texts.stream().map(Text::text).toList(), options.maxTextLength());
            schedule.apply(opt);
            opt.zeroGrad();
            ClipOutput out = model.forward(tb.ids(), tb.mask(), WorldPixels.batch(images, processor));
            Variable loss = multiPositiveLoss(out, matches(images, texts));
            loss.backward();
            GradClip.clipGlobalNorm(model.trainableParameters(), 1.0);
            opt.step();
            double value = loss.value().toFloatArray()[0];
            losses.add(value);
            progress.step(step, value, (long) step * batch);
        }
        model.eval();
        save(model, worldTokenizer, imageSize, dir);
        log.accept(String.format(Locale.ROOT, "clip trained in %s, saved to %s", TrainingProgress.clock(progress.elapsedSeconds()), dir));
        return new Run(dir, losses, progress.elapsedSeconds());
    }

    static void save(ClipModel model, WorldTokenizer tokenizer, int imageSize, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        PretrainedModels.save(model, dir);
        tokenizer.save(dir);
        WorldPixels.writePreprocessorConfig(dir, imageSize);
    }

    /** A training text and the categories an image must hold for the text to describe it. */
    record Text(String text, Set<String> objects) {}

    /**
     * One text per image: an object phrase naming a category no earlier text of the batch named (so texts differ),
     * else a reference caption.
     */
    private List<Text> texts(List<WorldImage> images, Random random) {
        List<Text> out = new ArrayList<>(images.size());
        Set<String> named = new HashSet<>();
        for (WorldImage image : images) {
            Text t = null;
            if (random.nextDouble() >= options.captionRate()) {
                List<String> present = new ArrayList<>(image.categories());
                Collections.shuffle(present, random);
                for (String c : present) {
                    if (named.add(c)) {
                        t = new Text(ObjectPhrases.phrase(c, random), Set.of(c));
                        break;
                    }
                }
            }
            if (t == null) {
                WorldCaption c = image.references().get(random.nextInt(image.references().size()));
                t = new Text(c.text(), Set.copyOf(c.objects()));
            }
            out.add(t);
        }
        return out;
    }

    /** {@code m[i][j]}: text j describes image i (it names only categories the image holds). */
    private static boolean[][] matches(List<WorldImage> images, List<Text> texts) {
        boolean[][] m = new boolean[images.size()][texts.size()];
        for (int i = 0; i < images.size(); i++) {
            Set<String> present = images.get(i).categories();
            for (int j = 0; j < texts.size(); j++) m[i][j] = present.containsAll(texts.get(j).objects());
        }
        return m;
    }

    /**
     * CLIP's symmetric loss with several positives: {@code -sum q log softmax} per row, q spread evenly over the
     * row's matches (the own pair always matches, so no row is empty).
     */
    static Variable multiPositiveLoss(ClipOutput out, boolean[][] matches) {
        int n = matches.length;
        float[] perImage = new float[n * n], perText = new float[n * n];
        for (int i = 0; i < n; i++) {
            int count = 0;
            for (int j = 0; j < n; j++) if (matches[i][j]) count++;
            for (int j = 0; j < n; j++) if (matches[i][j]) perImage[i * n + j] = 1f / count;
        }
        for (int j = 0; j < n; j++) {
            int count = 0;
            for (int i = 0; i < n; i++) if (matches[i][j]) count++;
            for (int i = 0; i < n; i++) if (matches[i][j]) perText[j * n + i] = 1f / count;
        }
        Variable a = weightedLogSoftmaxSum(out.logitsPerImage(), Tensor.of(perImage, n, n));
        Variable b = weightedLogSoftmaxSum(out.logitsPerText(), Tensor.of(perText, n, n));
        return Arithmetic.scale(Arithmetic.add(a, b), -0.5f / n);
    }

    private static Variable weightedLogSoftmaxSum(Variable logits, Tensor weights) {
        Variable logp = SoftmaxOps.logSoftmax(org.efuf4j.autograd.Shaping.contiguous(logits));
        return Arithmetic.mul(logp, Variable.constant(weights.to(logits.value().device()))).sum();
    }
}

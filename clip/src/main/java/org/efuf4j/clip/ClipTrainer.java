package org.efuf4j.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.efuf4j.autograd.Activations;
import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.Shaping;
import org.efuf4j.autograd.SoftmaxOps;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.autograd.optim.GradClip;
import org.efuf4j.autograd.optim.LrSchedule;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Tensor;

/**
 * Contrastive training of a CLIPModel (from scratch, for the synthetic world): CLIP's symmetric InfoNCE with the
 * learnable temperature {@code logit_scale}, clamped to [0, ln 100] after every step as CLIP does, and AdamW
 * (weight decay on matrices only, as OpenCLIP).
 *
 * <p>Each batch holds examples with distinct captions, so no column of the similarity matrix is a second right
 * answer. With hard negatives on, each example's {@link Example#hardNegatives()} (captions or object prompts of
 * objects that co-occur with the image's objects elsewhere but are absent here) join the batch as extra text
 * columns: the image-to-text loss must rank the true caption above them, the text-to-image loss is unchanged.
 *
 * <p>When examples know the objects their image shows and a {@link TextObjects} says which objects a text names,
 * a text also describes every other image holding all of its objects ("a dog" fits each image with a dog): the loss
 * then spreads each row's target evenly over all its matches instead of the diagonal alone, so a second dog in the
 * batch is not pushed away from "a dog", nor is a hard negative that another image of the batch does show.
 *
 * <p>With an {@link ObjectLoss}, every image of the batch also meets the prompt of every object the trainer knows in
 * SigLIP's sigmoid loss (Zhai et al. 2023), with exact multi-label targets: 1 where the image shows the object, 0
 * where it does not. InfoNCE ranks texts against each other within a batch, and first learns what tells the batch's
 * scenes apart; the sigmoid loss asks of each object on its own whether it is in the image, which is what a scorer of
 * mentioned objects is asked. Its temperature and bias are the trainer's (HF CLIP has no place for them): the scorer
 * reads the cosine, which they only rescale.
 */
public final class ClipTrainer {

    /**
     * An image, its caption and, optionally, texts that are wrong for it but plausible, the objects the image shows
     * (empty when unknown: the caption is then the only text that describes it) and the group it belongs to (its
     * kind of scene, say; null: none), which {@link Options#groupedBatchShare} draws whole batches from.
     */
    public record Example(RgbImage image, String caption, List<String> hardNegatives, Set<String> objects, String group) {
        public Example {
            if (image == null || caption == null) throw new IllegalArgumentException("an example needs an image and a caption");
            hardNegatives = hardNegatives == null ? List.of() : List.copyOf(hardNegatives);
            objects = objects == null ? Set.of() : Set.copyOf(objects);
        }

        public Example(RgbImage image, String caption, List<String> hardNegatives) { this(image, caption, hardNegatives, Set.of(), null); }

        public Example(RgbImage image, String caption) { this(image, caption, List.of()); }
    }

    /** The objects a training text names; empty when unknown (the text then describes its own image only). */
    @FunctionalInterface
    public interface TextObjects {
        Set<String> of(String text);

        TextObjects UNKNOWN = text -> Set.of();
    }

    /**
     * SigLIP's sigmoid loss of each image against every object's prompts, beside CLIP's InfoNCE or instead of it.
     *
     * @param prompts       each object's prompts (e.g. its name's and its synonyms'); all of them join every step, each
     *                      with the target of its object. Examples' {@link Example#objects()} name these objects.
     * @param weight        the sigmoid loss's weight (> 0)
     * @param captionWeight InfoNCE's weight beside it; 0: the sigmoid loss alone (the captions' texts are then not encoded)
     * @param initScale     the temperature's starting value t' (the logits are {@code exp(t') cos + b}); SigLIP: ln 10
     * @param initBias      the bias's starting value b; SigLIP: -10, so that the many absent pairs start near their target
     */
    public record ObjectLoss(Map<String, List<String>> prompts, double weight, double captionWeight, double initScale, double initBias) {
        public ObjectLoss {
            if (prompts == null || prompts.isEmpty()) throw new IllegalArgumentException("the object loss needs at least one object's prompts");
            Map<String, List<String>> copy = new java.util.LinkedHashMap<>();
            prompts.forEach((object, texts) -> {
                if (texts == null || texts.isEmpty()) throw new IllegalArgumentException("object '" + object + "' has no prompt");
                copy.put(object, List.copyOf(texts));
            });
            prompts = java.util.Collections.unmodifiableMap(copy);
            if (!(weight > 0)) throw new IllegalArgumentException("the object loss's weight must be positive, got " + weight);
            if (!(captionWeight >= 0)) throw new IllegalArgumentException("the caption loss's weight must be >= 0, got " + captionWeight);
        }

        /** SigLIP's starting temperature (ln 10) and bias (-10). */
        public static ObjectLoss siglip(Map<String, List<String>> prompts, double weight, double captionWeight) {
            return new ObjectLoss(prompts, weight, captionWeight, Math.log(10), -10);
        }

        /** Every prompt in order, and the object each names. */
        List<String> texts() { return prompts.values().stream().flatMap(List::stream).toList(); }

        List<String> objectOfText() {
            List<String> out = new ArrayList<>();
            prompts.forEach((object, texts) -> texts.forEach(t -> out.add(object)));
            return out;
        }
    }

    /**
     * @param steps             optimizer steps
     * @param batchSize         examples per step (fewer when the data has fewer distinct captions)
     * @param learningRate      AdamW peak learning rate, reached after a linear warm-up of {@code warmupSteps}
     * @param warmupSteps       steps of linear warm-up from 0
     * @param finalLrFraction   1: the rate stays at its peak after warm-up; below 1: it decays on a cosine to this
     *                          fraction of the peak at the last step
     * @param weightDecay       AdamW decoupled weight decay on weight matrices
     * @param maxGradNorm       global gradient-norm clip; 0 turns it off
     * @param hardNegatives     whether examples' hard negatives join the text side of the loss
     * @param negativesPerImage at most this many hard negatives per example and step
     * @param groupedBatchShare share of the batches drawn from one group of examples only: what tells a group's
     *                          members apart must then be learnt, not what tells the groups apart
     * @param seed              batch order and hard-negative choice
     * @param logEvery          steps between progress reports (the last step always reports)
     * @param checkpointDir     where checkpoints go, or null
     * @param checkpointEvery   steps between checkpoints; 0 saves only after the last step
     */
    public record Options(int steps, int batchSize, double learningRate, int warmupSteps, double finalLrFraction, double weightDecay,
                          double maxGradNorm, boolean hardNegatives, int negativesPerImage, double groupedBatchShare, long seed, int logEvery,
                          Path checkpointDir, int checkpointEvery) {
        public Options {
            if (!(groupedBatchShare >= 0 && groupedBatchShare <= 1)) throw new IllegalArgumentException("groupedBatchShare must be in [0, 1], got " + groupedBatchShare);
            if (!(finalLrFraction > 0 && finalLrFraction <= 1)) throw new IllegalArgumentException("finalLrFraction must be in (0, 1], got " + finalLrFraction);
            if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
            if (batchSize < 2) throw new IllegalArgumentException("contrastive batches need at least 2 examples, got batchSize " + batchSize);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
            if (warmupSteps < 0 || weightDecay < 0 || maxGradNorm < 0 || negativesPerImage < 0 || logEvery <= 0 || checkpointEvery < 0)
                throw new IllegalArgumentException("warmupSteps, weightDecay, maxGradNorm, negativesPerImage and checkpointEvery must be >= 0"
                        + " and logEvery > 0; got " + warmupSteps + ", " + weightDecay + ", " + maxGradNorm + ", " + negativesPerImage
                        + ", " + checkpointEvery + ", " + logEvery);
        }

        /** Settings that train a small model in a few hundred steps. */
        public static Options defaults(int steps) {
            return new Options(steps, 32, 1e-3, Math.min(20, steps / 10), 1.0, 0.1, 1.0, true, 2, 0.0, 0, Math.max(1, steps / 20), null, 0);
        }

        public Options withBatchSize(int b) { return toBuilder().batchSize(b).build(); }

        public Options withLearningRate(double lr) { return toBuilder().learningRate(lr).build(); }

        public Options withHardNegatives(boolean on, int perImage) { return toBuilder().hardNegatives(on, perImage).build(); }

        public Options withSeed(long s) { return toBuilder().seed(s).build(); }

        public Options withLogEvery(int n) { return toBuilder().logEvery(n).build(); }

        public Options withWarmup(int warmup, double finalLrFraction) { return toBuilder().warmup(warmup, finalLrFraction).build(); }

        public Options withWeightDecay(double wd) { return toBuilder().weightDecay(wd).build(); }

        public Options withGroupedBatches(double share) { return toBuilder().groupedBatches(share).build(); }

        public Options withCheckpoints(Path dir, int every) { return toBuilder().checkpoints(dir, every).build(); }

        public Builder toBuilder() { return new Builder(this); }

        /** Named changes to a set of options; {@link #build()} checks the result as the constructor does. */
        public static final class Builder {
            private int steps, batchSize, warmupSteps, negativesPerImage, logEvery, checkpointEvery;
            private double learningRate, finalLrFraction, weightDecay, maxGradNorm, groupedBatchShare;
            private boolean hardNegatives;
            private long seed;
            private Path checkpointDir;

            private Builder(Options o) {
                steps = o.steps; batchSize = o.batchSize; learningRate = o.learningRate; warmupSteps = o.warmupSteps;
                finalLrFraction = o.finalLrFraction; weightDecay = o.weightDecay; maxGradNorm = o.maxGradNorm;
                hardNegatives = o.hardNegatives; negativesPerImage = o.negativesPerImage; groupedBatchShare = o.groupedBatchShare;
                seed = o.seed; logEvery = o.logEvery; checkpointDir = o.checkpointDir; checkpointEvery = o.checkpointEvery;
            }

            public Builder steps(int v) { steps = v; return this; }
            public Builder batchSize(int v) { batchSize = v; return this; }
            public Builder learningRate(double v) { learningRate = v; return this; }
            public Builder warmup(int warmup, double finalFraction) { warmupSteps = warmup; finalLrFraction = finalFraction; return this; }
            public Builder weightDecay(double v) { weightDecay = v; return this; }
            public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
            public Builder hardNegatives(boolean on, int perImage) { hardNegatives = on; negativesPerImage = perImage; return this; }
            public Builder groupedBatches(double share) { groupedBatchShare = share; return this; }
            public Builder seed(long v) { seed = v; return this; }
            public Builder logEvery(int v) { logEvery = v; return this; }
            public Builder checkpoints(Path dir, int every) { checkpointDir = dir; checkpointEvery = every; return this; }

            public Options build() {
                return new Options(steps, batchSize, learningRate, warmupSteps, finalLrFraction, weightDecay, maxGradNorm, hardNegatives,
                        negativesPerImage, groupedBatchShare, seed, logEvery, checkpointDir, checkpointEvery);
            }
        }
    }

    /** One progress report: the loss is the mean since the previous report. */
    public record Progress(int step, int totalSteps, double loss, double stepsPerSecond, Duration eta, double logitScale) {
        @Override public String toString() {
            return String.format("step %d/%d loss %.4f  %.2f steps/s  eta %ds  scale %.2f", step, totalSteps, loss, stepsPerSecond,
                    eta.toSeconds(), logitScale);
        }
    }

    /**
     * The loss of every step, in order, and the object loss's final temperature {@code exp(t')} and bias (NaN without
     * one).
     */
    public record Result(float[] losses, double objectScale, double objectBias) {
        public Result(float[] losses) { this(losses, Double.NaN, Double.NaN); }

        /** Mean loss of the first (or last) {@code n} steps. */
        public double meanOfFirst(int n) { return mean(0, Math.min(n, losses.length)); }

        public double meanOfLast(int n) { return mean(Math.max(0, losses.length - n), losses.length); }

        private double mean(int from, int to) {
            double s = 0;
            for (int i = from; i < to; i++) s += losses[i];
            return s / Math.max(1, to - from);
        }
    }

    /** CLIP's ceiling for the temperature: exp(logit_scale) <= 100. */
    public static final double MAX_LOGIT_SCALE = Math.log(100);

    private final ClipModel model;
    private final Tokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final Options options;
    private final TextObjects textObjects;
    private final ObjectLoss objectLoss;
    /** The object loss's temperature t' and bias b, trained with the model; null without an object loss. */
    private final Parameter objectScale, objectBias;

    public ClipTrainer(ClipModel model, Tokenizer tokenizer, ImagePreprocessor preprocessor, Options options) {
        this(model, tokenizer, preprocessor, options, TextObjects.UNKNOWN);
    }

    /** With {@code textObjects}, a text describes every example whose objects include all it names (see the class comment). */
    public ClipTrainer(ClipModel model, Tokenizer tokenizer, ImagePreprocessor preprocessor, Options options, TextObjects textObjects) {
        this(model, tokenizer, preprocessor, options, textObjects, null);
    }

    /** With an {@code objectLoss} (may be null: InfoNCE alone), see the class comment. */
    public ClipTrainer(ClipModel model, Tokenizer tokenizer, ImagePreprocessor preprocessor, Options options, TextObjects textObjects,
                       ObjectLoss objectLoss) {
        int towerSize = model.config().visionConfig().imageSize();
        if (preprocessor.imageSize() != towerSize)
            throw new IllegalArgumentException("the image preprocessor crops to " + preprocessor.imageSize() + " pixels, but the vision tower reads " + towerSize);
        TextBatch.checkCompatible(tokenizer, model.config().textConfig());
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
        this.options = options;
        this.textObjects = textObjects;
        this.objectLoss = objectLoss;
        this.objectScale = objectLoss == null ? null : new Parameter(Tensor.of(new float[] {(float) objectLoss.initScale()}, 1));
        this.objectBias = objectLoss == null ? null : new Parameter(Tensor.of(new float[] {(float) objectLoss.initBias()}, 1));
    }

    /** A freshly initialised CLIPModel of {@code config}; a loaded one ({@link PretrainedModels#load}) trains as well. */
    public static ClipModel newModel(ClipConfig config, long seed) { return new ClipModel(config, new Random(seed)); }

    public ClipModel model() { return model; }

    /** Trains on {@code examples}; {@code progress} (may be null) hears every {@code logEvery} steps. Leaves the model in eval mode. */
    public Result train(List<Example> examples, Consumer<Progress> progress) {
        if (examples.size() < 2) throw new IllegalArgumentException("contrastive training needs at least 2 examples, got " + examples.size());
        Set<String> captions = new HashSet<>();
        for (Example e : examples) captions.add(e.caption());
        if (captions.size() < 2) throw new IllegalArgumentException("all " + examples.size() + " examples share one caption; nothing to contrast");
        if (objectLoss != null) checkObjectsKnown(examples);

        // Writable F32 copies: a loaded checkpoint's weights are mapped (and may be half precision).
        PretrainedModels.makeTrainable(model);
        List<Parameter> decay = new ArrayList<>(), noDecay = new ArrayList<>();
        for (Parameter p : model.parameters()) (p.rank() >= 2 ? decay : noDecay).add(p);
        if (objectLoss != null) noDecay.addAll(List.of(objectScale, objectBias));
        AdamW decayed = new AdamW(decay, options.learningRate(), 0.9f, 0.98f, 1e-6f, (float) options.weightDecay());
        AdamW plain = new AdamW(noDecay, options.learningRate(), 0.9f, 0.98f, 1e-6f, 0f);
        List<Parameter> all = new ArrayList<>(decay);
        all.addAll(noDecay);
        LrSchedule schedule = options.finalLrFraction() < 1
                ? LrSchedule.cosine(options.learningRate(), options.warmupSteps(), options.steps(), options.learningRate() * options.finalLrFraction())
                : LrSchedule.linearWarmup(options.learningRate(), options.warmupSteps());

        BatchSampler sampler = new BatchSampler(examples, options.batchSize(), options.groupedBatchShare(), new Random(options.seed()));
        Random negatives = new Random(options.seed() * 31 + 7);
        float[] losses = new float[options.steps()];
        long start = System.nanoTime();
        double sinceReport = 0;
        int reported = 0;
        for (int step = 1; step <= options.steps(); step++) {
            double lr = schedule.lr(step);
            decayed.setLr(lr);
            plain.setLr(lr);
            List<Example> batch = sampler.next();
            decayed.zeroGrad();
            plain.zeroGrad();
            Variable loss = loss(batch, options.hardNegatives() ? pickNegatives(batch, negatives) : List.of());
            loss.backward();
            if (options.maxGradNorm() > 0) GradClip.clipGlobalNorm(all, options.maxGradNorm());
            decayed.step();
            plain.step();
            clampLogitScale();
            losses[step - 1] = loss.value().toFloatArray()[0];
            if (!Float.isFinite(losses[step - 1]))
                throw new IllegalStateException("contrastive loss is " + losses[step - 1] + " at step " + step + "; lower the learning rate");
            sinceReport += losses[step - 1];
            if (progress != null && (step % options.logEvery() == 0 || step == options.steps())) {
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = step / Math.max(seconds, 1e-9);
                progress.accept(new Progress(step, options.steps(), sinceReport / (step - reported), rate,
                        Duration.ofMillis((long) ((options.steps() - step) / rate * 1000)), Math.exp(logitScale())));
                sinceReport = 0;
                reported = step;
            }
            if (options.checkpointDir() != null && options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0
                    && step != options.steps()) save(options.checkpointDir());
        }
        model.eval();
        if (options.checkpointDir() != null) save(options.checkpointDir());
        return objectLoss == null ? new Result(losses)
                : new Result(losses, Math.exp(objectScale.value().toFloatArray()[0]), objectBias.value().toFloatArray()[0]);
    }

    private void checkObjectsKnown(List<Example> examples) {
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            if (e.objects().isEmpty())
                throw new IllegalArgumentException("example " + i + " (caption '" + e.caption() + "') does not say which objects its image shows;"
                        + " the object loss needs exact targets");
            for (String o : e.objects())
                if (!objectLoss.prompts().containsKey(o))
                    throw new IllegalArgumentException("example " + i + " shows object '" + o + "', which has no prompt; the object loss knows "
                            + objectLoss.prompts().keySet());
        }
    }

    /**
     * The step's loss: the caption InfoNCE (weighted by {@link ObjectLoss#captionWeight} when an object loss is on)
     * plus the object loss (weighted by {@link ObjectLoss#weight}).
     */
    Variable loss(List<Example> batch, List<String> extraNegatives) {
        List<RgbImage> images = new ArrayList<>(batch.size());
        for (Example e : batch) images.add(e.image());
        Variable img = model.imageEmbeds(model.visionModel.forward(Pixels.batch(preprocessor, images)));
        if (objectLoss == null) return captionLoss(batch, extraNegatives, img);
        Variable objects = Arithmetic.scale(objectLoss(batch, img), (float) objectLoss.weight());
        return objectLoss.captionWeight() == 0 ? objects
                : Arithmetic.add(objects, Arithmetic.scale(captionLoss(batch, extraNegatives, img), (float) objectLoss.captionWeight()));
    }

    /**
     * Symmetric InfoNCE: image i against texts [captions; negatives], caption j against the images; the mean of both
     * cross-entropies. Each row's target is spread evenly over the texts (images) that describe it: the diagonal
     * alone unless {@link TextObjects} says more, which is then HF {@code CLIPModel}'s loss.
     */
    private Variable captionLoss(List<Example> batch, List<String> extraNegatives, Variable img) {
        int n = batch.size();
        List<String> texts = new ArrayList<>(n + extraNegatives.size());
        for (Example e : batch) texts.add(e.caption());
        texts.addAll(extraNegatives);
        TextBatch tb = TextBatch.encode(tokenizer, texts, model.config().textConfig().maxPositionEmbeddings());
        Variable txt = model.textEmbeds(model.textModel.forward(tb.ids(), tb.mask()));
        Variable scale = Activations.exp(model.logitScale);
        Variable perImage = Arithmetic.mul(img.matmul(txt.transpose(0, 1)), scale);
        Variable captions = extraNegatives.isEmpty() ? txt : txt.slice(0, 0, n);
        Variable perText = Arithmetic.mul(captions.matmul(img.transpose(0, 1)), scale);
        boolean[][] describes = describes(batch, texts);
        Variable imageLoss = softTargetCrossEntropy(perImage, describes, false);
        Variable textLoss = softTargetCrossEntropy(perText, describes, true);
        return Arithmetic.scale(Arithmetic.add(imageLoss, textLoss), 0.5f);
    }

    /**
     * SigLIP's loss over images i and object prompts j: {@code -(1/|B|) sum_ij log sigmoid(z_ij (exp(t') x_i.y_j + b))},
     * z_ij = +1 where image i shows prompt j's object and -1 where not; x, y unit-length embeddings.
     */
    Variable objectLoss(List<Example> batch, Variable img) {
        List<String> texts = objectLoss.texts();
        List<String> objectOf = objectLoss.objectOfText();
        TextBatch tb = TextBatch.encode(tokenizer, texts, model.config().textConfig().maxPositionEmbeddings());
        Variable txt = model.textEmbeds(model.textModel.forward(tb.ids(), tb.mask()));
        Variable logits = Arithmetic.add(Arithmetic.mul(img.matmul(txt.transpose(0, 1)), Activations.exp(objectScale)), objectBias);
        float[] targets = new float[batch.size() * texts.size()];
        for (int i = 0; i < batch.size(); i++)
            for (int j = 0; j < texts.size(); j++) if (batch.get(i).objects().contains(objectOf.get(j))) targets[i * texts.size() + j] = 1f;
        Variable pairs = Losses.sigmoidCrossEntropy(Shaping.contiguous(logits), Tensor.of(targets, batch.size(), texts.size()));
        return Arithmetic.scale(pairs.sum(), 1f / batch.size());
    }

    /** {@code d[i][t]}: text t describes the image of example i (its own caption always does). */
    private boolean[][] describes(List<Example> batch, List<String> texts) {
        boolean[][] d = new boolean[batch.size()][texts.size()];
        for (int t = 0; t < texts.size(); t++) {
            Set<String> named = textObjects.of(texts.get(t));
            for (int i = 0; i < batch.size(); i++) {
                Example e = batch.get(i);
                d[i][t] = t == i || !named.isEmpty() && !e.objects().isEmpty() && e.objects().containsAll(named);
            }
        }
        return d;
    }

    /**
     * Mean over rows of {@code -sum_k q_k log softmax(row)_k}, q uniform over the row's matches; rows are images
     * ({@code describes[row][k]}) or, transposed, captions ({@code describes[k][row]}, one row per image).
     */
    private static Variable softTargetCrossEntropy(Variable logits, boolean[][] describes, boolean transposed) {
        int rows = logits.dim(0), cols = logits.dim(1);
        float[] q = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int count = 0;
            for (int k = 0; k < cols; k++) if (transposed ? describes[k][r] : describes[r][k]) count++;
            for (int k = 0; k < cols; k++) if (transposed ? describes[k][r] : describes[r][k]) q[r * cols + k] = 1f / count;
        }
        Variable logp = SoftmaxOps.logSoftmax(Shaping.contiguous(logits));
        Variable weighted = Arithmetic.mul(logp, Variable.constant(Tensor.of(q, rows, cols).to(logits.value().device())));
        return Arithmetic.scale(weighted.sum(), -1f / rows);
    }

    /** Up to {@code negativesPerImage} of each example's hard negatives, none equal to a caption in the batch. */
    private List<String> pickNegatives(List<Example> batch, Random random) {
        Set<String> captions = new HashSet<>();
        for (Example e : batch) captions.add(e.caption());
        Set<String> picked = new LinkedHashSet<>();
        for (Example e : batch) {
            List<String> pool = new ArrayList<>(e.hardNegatives());
            Collections.shuffle(pool, random);
            int taken = 0;
            for (String text : pool) {
                if (taken == options.negativesPerImage()) break;
                if (!captions.contains(text) && picked.add(text)) taken++;
            }
        }
        return new ArrayList<>(picked);
    }

    private double logitScale() { return model.logitScale.value().toFloatArray()[0]; }

    private void clampLogitScale() {
        double s = logitScale();
        if (s >= 0 && s <= MAX_LOGIT_SCALE) return;
        float clamped = (float) Math.max(0, Math.min(MAX_LOGIT_SCALE, s));
        Tensor v = model.logitScale.value();
        model.logitScale.setValue(Tensor.of(new float[] {clamped}, v.shape()).to(v.device()));
    }

    /**
     * Writes a checkpoint Hugging Face and {@link ClipScorer#load} read: {@code config.json}, {@code model.safetensors}
     * and {@code preprocessor_config.json}. The tokenizer's files are the caller's (e.g. {@link ClipVocabulary#write}).
     * The files are written next to the directory first and moved into it, so a crash leaves the previous checkpoint.
     */
    public void save(Path dir) {
        try {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".tmp");
            PretrainedModels.save(model, tmp);
            PreprocessorConfig.write(preprocessor, tmp);
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.sorted(Comparator.naturalOrder()).toList())
                    Files.move(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.delete(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save CLIP checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Batches of distinct captions, drawn from a reshuffled pass over the examples; with a grouped share, that share of
     * the batches comes from a reshuffled pass over one group's examples (a group picked in proportion to its size).
     */
    static final class BatchSampler {
        private final List<Example> examples;
        private final int batchSize;
        private final double groupedShare;
        private final Random random;
        private final Deque<Example> pending = new ArrayDeque<>();
        private final Map<String, List<Example>> groups = new HashMap<>();
        private final Map<String, Deque<Example>> pendingByGroup = new HashMap<>();

        BatchSampler(List<Example> examples, int batchSize, double groupedShare, Random random) {
            this.examples = examples;
            this.batchSize = batchSize;
            this.groupedShare = groupedShare;
            this.random = random;
            for (Example e : examples) if (e.group() != null) groups.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
        }

        List<Example> next() {
            if (groupedShare > 0 && !groups.isEmpty() && random.nextDouble() < groupedShare) {
                Example anchor = examples.get(random.nextInt(examples.size()));
                if (anchor.group() != null) {
                    List<Example> members = groups.get(anchor.group());
                    return fill(pendingByGroup.computeIfAbsent(anchor.group(), g -> new ArrayDeque<>()), members);
                }
            }
            return fill(pending, examples);
        }

        private List<Example> fill(Deque<Example> queue, List<Example> source) {
            List<Example> batch = new ArrayList<>(batchSize);
            Set<String> captions = new HashSet<>();
            // Two passes at most: what is left of this pass, then a fresh shuffle.
            for (int pass = 0; pass < 2 && batch.size() < batchSize; pass++) {
                if (queue.isEmpty() || pass == 1) {
                    List<Example> order = new ArrayList<>(source);
                    Collections.shuffle(order, random);
                    queue.addAll(order);
                }
                List<Example> skipped = new ArrayList<>();
                while (!queue.isEmpty() && batch.size() < batchSize) {
                    Example e = queue.poll();
                    if (captions.add(e.caption())) batch.add(e);
                    else skipped.add(e);
                }
                for (int i = skipped.size() - 1; i >= 0; i--) queue.addFirst(skipped.get(i));
            }
            return batch;
        }
    }
}

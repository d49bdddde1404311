package org.efuf4j.world.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.clip.ScorerQuality;
import org.efuf4j.clip.TextBatch;
import org.efuf4j.efuf.eval.CaptionChair;
import org.efuf4j.efuf.eval.CaptionSideEffects;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.PopeMetrics;
import org.efuf4j.efuf.eval.PopeQuestion;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.ChairReport;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.clip.ClipVisionTransformer;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.world.Catalogue;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldImage;

/**
 * The embedded default's two base models for one world: the scorer CLIP and the captioner LLaVA, trained on first
 * use and kept in a cache keyed by the world's hash and each model's options, then measured.
 *
 * <pre>{@code
 * WorldModels.Result r = WorldModels.prepare(world, Path.of("cache"), WorldModels.Config.small(), System.out::println);
 * r.metrics().chairS();   // the base captioner hallucinates
 * r.metrics().scorerAuc(); // the scorer tells its present mentions from its hallucinated ones
 * }</pre>
 *
 * Layout: {@code cache/world-<world hash>/scorer-<options hash>/} and {@code captioner-<options hash>/} (each a
 * Hugging Face directory plus {@code training.json}, written last, which marks it complete), and
 * {@code metrics-<config hash>.json}.
 */
public final class WorldModels {
    static final String TRAINING_JSON = "training.json";
    /** Length limit of a detailed description where the gates measure it. */
    static final int DESCRIPTION_TOKENS = 80;
    /**
     * The world's models are pretrained assets, stored as released checkpoints are: BF16 halves the files, and what is
     * measured, shipped and unlearned is the same rounded model (the frozen tower the captioner trains on included).
     */
    public static final org.efuf4j.tensor.DType WEIGHTS_DTYPE = org.efuf4j.tensor.DType.BF16;

    /**
     * @param captionerVision  contrastive pretraining of the captioner's own vision tower (another seed and patch
     *                         size than the scorer's), frozen in the captioner as LLaVA's is; null: a fresh tower that
     *                         trains with the captioner (the quick demo)
     * @param evalImages       held-out (eval split) images described for CHAIR, the gates and the scorer AUC
     * @param popeImages       held-out images asked POPE's questions (3 present and 3 absent objects each, per split)
     * @param probeTrainImages training images the linear probe is fitted on
     * @param maxNewTokens     description length limit
     * @param useShipped       take the repository's pretrained models where they match (not part of the canonical line:
     *                         shipped or trained here, the same options give the same models)
     */
    public record Config(WorldClipTrainer.Options scorer, WorldClipTrainer.Options captionerVision, CaptionerTrainer.Options captioner,
                         int evalImages, int popeImages, int probeTrainImages, int maxNewTokens, boolean useShipped) {
        /**
         * The shipped base models ({@code efuf world pretrain}). Sized to the budget of about an hour on a
         * shared 2-core machine: scorer and tower 800 steps each, the captioner 250 + 100 + 800 steps.
         */
        public static Config small() {
            return new Config(WorldClipTrainer.Options.small(), WorldClipTrainer.Options.captionerTower(), CaptionerTrainer.Options.small(),
                    500, 200, 1000, DESCRIPTION_TOKENS, true);
        }

        public static Config tiny() {
            return new Config(WorldClipTrainer.Options.tiny(), WorldClipTrainer.Options.tinyTower(), CaptionerTrainer.Options.tiny(), 16, 8, 60,
                    40, false);
        }

        public Config withCaptionerVision(WorldClipTrainer.Options options) {
            return new Config(scorer, options, captioner, evalImages, popeImages, probeTrainImages, maxNewTokens, useShipped);
        }

        public Config withCaptioner(CaptionerTrainer.Options options) {
            return new Config(scorer, captionerVision, options, evalImages, popeImages, probeTrainImages, maxNewTokens, useShipped);
        }

        public Config withScorer(WorldClipTrainer.Options options) {
            return new Config(options, captionerVision, captioner, evalImages, popeImages, probeTrainImages, maxNewTokens, useShipped);
        }

        /** false: train (or reuse the cache's) even where the repository ships models for this configuration ({@code --train-base}). */
        public Config withShipped(boolean useShipped) {
            return new Config(scorer, captionerVision, captioner, evalImages, popeImages, probeTrainImages, maxNewTokens, useShipped);
        }

        String canonical() {
            // the captioner as it trains: on the pretrained layout's frozen "tower" where it has one
            CaptionerTrainer.Options trained = captionerVision == null ? captioner : captioner.withVisionFrom(Path.of("tower"), true);
            return scorer.canonical() + " | " + (captionerVision == null ? "fresh tower" : captionerVision.canonical()) + " | "
                    + trained.canonical() + " | eval=" + evalImages + " pope=" + popeImages + " probe=" + probeTrainImages
                    + " maxNew=" + maxNewTokens + " greedy metrics v3";
        }
    }

    /**
     * @param chairS                 base captioner, eval split, greedy detailed descriptions
     * @param repeatingShare         descriptions naming one object term twice
     * @param unterminatedShare      descriptions cut by the length limit
     * @param popeF1                 POPE F1 per split (random, popular, adversarial) on held-out images
     * @param scorerAuc              scorer's CLIP score, present vs hallucinated among the captioner's own mentions
     *                               (NaN when one of the two kinds is missing; the counts say so)
     * @param scorerGroupMateAuc     scorer's CLIP score, present objects vs absent group-mates of the same images
     * @param probeAuc               linear probes on the captioner's projected visual features, present vs absent
     *                               group-mates, pooled over categories, fitted on training images, read on eval images
     * @param gates                  {@link CaptionerGates} by name: whether each holds
     */
    public record Metrics(int captions, double chairS, double chairI, double recall, double mentionsPerCaption,
                          double repeatingShare, double unterminatedShare, Map<String, Double> popeF1,
                          double scorerAuc, int presentMentions, int hallucinatedMentions, double scorerGroupMateAuc,
                          double probeAuc, double scorerTrainSeconds, double captionerTrainSeconds, double trainingHallucinationRate,
                          Map<String, Boolean> gates, List<String> sampleCaptions) {}

    /**
     * @param towerDir null when the captioner has no separately trained tower (the quick demo)
     * @param shipped  whether the models came from the repository's pretrained folder (nothing trained, nothing cached)
     */
    public record Result(Path scorerDir, Path towerDir, Path captionerDir, boolean scorerTrained, boolean captionerTrained, boolean shipped,
                         Metrics metrics) {}

    /**
     * Where one set of a world's models lies: in the cache, folders named by their options' digests; in a pretrain
     * output ({@code efuf world pretrain}, the shipped models), fixed names.
     */
    public record Layout(Path scorer, Path tower, Path captioner, Path metrics) {
        public static Layout cache(Path cacheRoot, World world, Config config) {
            Path root = cacheRoot.resolve("world-" + world.config().hash());
            Path scorer = root.resolve("scorer-" + digest(config.scorer().canonical()));
            Path tower = config.captionerVision() == null ? null : root.resolve("captioner-clip-" + digest(config.captionerVision().canonical()));
            // the captioner's folder digests its tower's folder name, which digests the tower's options
            Path captioner = root.resolve("captioner-" + digest(captionerOptions(config, tower).canonical()));
            Path metrics = root.resolve("metrics-" + digest(config.canonical() + " | " + scorer.getFileName() + " " + captioner.getFileName()) + ".json");
            return new Layout(scorer, tower, captioner, metrics);
        }

        public static Layout pretrained(Path dir, Config config) {
            return new Layout(dir.resolve("scorer"), config.captionerVision() == null ? null : dir.resolve("tower"), dir.resolve("captioner"),
                    dir.resolve("metrics.json"));
        }
    }

    private WorldModels() {}

    /**
     * The shipped models where the repository holds them for this world and configuration (see {@link ShippedModels}),
     * else the cache's, trained on first use.
     */
    public static Result prepare(World world, Path cacheRoot, Config config, Consumer<String> log) {
        if (config.useShipped()) {
            var shipped = ShippedModels.find(world.config(), config);
            if (shipped.isPresent()) {
                Layout l = shipped.get();
                log.accept("world models: the shipped pretrained models in " + l.captioner().getParent());
                return new Result(l.scorer(), l.tower(), l.captioner(), false, false, true, readMetrics(l.metrics()));
            }
        }
        return prepare(world, Layout.cache(cacheRoot, world, config), config, log);
    }

    /** Trains whatever of {@code layout} is missing (each folder whole or absent), then measures or reuses the metrics. */
    public static Result prepare(World world, Layout layout, Config config, Consumer<String> log) {
        boolean scorerTrained = ensure(layout.scorer(), config.scorer().canonical(), log,
                tmp -> clipLog(new WorldClipTrainer(config.scorer(), log).train(world, tmp)));
        boolean towerTrained = layout.tower() != null && towerAt(world, layout.tower(), config.captionerVision(), log).trained();
        CaptionerTrainer.Options captionerOptions = captionerOptions(config, layout.tower());
        boolean captionerTrained = ensure(layout.captioner(), captionerOptions.canonical(), log,
                tmp -> {
                    CaptionerTrainer.Run r = new CaptionerTrainer(captionerOptions, log).train(world, tmp);
                    return new TrainingLog(r.seconds(), r.allLosses(), Parallel.threads(), selectionFigures(r), stageLosses(r));
                });
        Metrics metrics;
        if (!scorerTrained && !towerTrained && !captionerTrained && Files.isRegularFile(layout.metrics())) {
            metrics = readMetrics(layout.metrics());
            log.accept("world models: reusing " + layout.scorer().getFileName() + ", " + layout.captioner().getFileName() + " and "
                    + layout.metrics().getFileName());
        } else {
            metrics = measure(world, layout.scorer(), layout.captioner(), config, log);
            AtomicFiles.writeString(layout.metrics(), Json.MAPPER.valueToTree(metrics).toPrettyString() + "\n");
        }
        return new Result(layout.scorer(), layout.tower(), layout.captioner(), scorerTrained, captionerTrained, false, metrics);
    }

    /** The captioner's options with its frozen tower's folder, where it has one. */
    static CaptionerTrainer.Options captionerOptions(Config config, Path towerDir) {
        return towerDir == null ? config.captioner() : config.captioner().withVisionFrom(towerDir, true);
    }

    /** The checkpoint the captioner kept and what it measured on the validation images (none without selection). */
    private static Map<String, Double> selectionFigures(CaptionerTrainer.Run r) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        CheckpointSelection.Checkpoint c = r.selected();
        if (c == null) return out;
        out.put("selectedStep", (double) c.step());
        out.put("checkpointsMeasured", (double) r.checkpoints().size());
        out.put("validationChairS", c.chairS());
        out.put("validationRecall", c.recall());
        out.put("validationRepeating", c.repeatingShare());
        out.put("validationUnterminated", c.unterminatedShare());
        c.popeF1().forEach((split, f1) -> out.put("validationPopeF1_" + split, f1));
        return out;
    }

    private static Map<String, List<Double>> stageLosses(CaptionerTrainer.Run r) {
        Map<String, List<Double>> out = new java.util.LinkedHashMap<>();
        r.losses().forEach((stage, losses) -> out.put(stage.key, losses));
        return out;
    }

    /**
     * The captioner's vision tower: a CLIP pretrained on the world apart from the scorer (another seed), as LLaVA's
     * tower is another CLIP than the one EFUF scores with. {@code dir} is a Hugging Face CLIP directory (config,
     * weights, tokenizer, preprocessor) that {@link CaptionerTrainer.Options#withVisionFrom} loads into the LLaVA
     * vision tower; {@code trained}: this call trained it (else it came from the cache).
     */
    public record Tower(Path dir, boolean trained) {
        /** The tower's vision transformer with its trained weights (CPU), as the captioner reads it. */
        public ClipVisionTransformer visionModel() {
            return PretrainedModels.load(dir, null, Device.CPU, ClipModel.class).visionModel;
        }
    }

    /** The captioner's tower for {@code world}, trained on first use into {@code cacheRoot}'s entry for the world. */
    public static Tower captionerTower(World world, Path cacheRoot, WorldClipTrainer.Options options, Consumer<String> log) {
        return towerAt(world, cacheRoot.resolve("world-" + world.config().hash()).resolve("captioner-clip-" + digest(options.canonical())), options, log);
    }

    /** The captioner's tower in {@code dir}, trained there on first use. */
    static Tower towerAt(World world, Path dir, WorldClipTrainer.Options options, Consumer<String> log) {
        boolean trained = ensure(dir, options.canonical(), log, tmp -> clipLog(new WorldClipTrainer(options, log).train(world, tmp)));
        return new Tower(dir, trained);
    }

    @FunctionalInterface
    private interface Training {
        TrainingLog trainInto(Path dir);
    }

    /**
     * What {@code training.json} keeps of a run: its wall time, the loss of every step, the worker threads it ran on
     * (the losses repeat bit for bit at the same count), the quality figures it reached, by name, and, for a training in
     * stages, each stage's losses by name ({@link CaptionerTrainer.Stage#key}; empty otherwise).
     */
    public record TrainingLog(double seconds, List<Double> losses, int threads, Map<String, Double> figures, Map<String, List<Double>> stages) {
        public TrainingLog {
            losses = List.copyOf(losses);
            figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures));
            stages = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
        }

        public TrainingLog(double seconds, List<Double> losses) { this(seconds, losses, Parallel.threads(), Map.of(), Map.of()); }
    }

    private static TrainingLog clipLog(WorldClipTrainer.Run r) {
        Map<String, Double> figures = new java.util.LinkedHashMap<>();
        figures.put("objectAuc", r.perception().objectAuc());
        figures.put("groupMateAuc", r.perception().groupMateAuc());
        figures.put("probeAuc", r.perception().probeAuc());
        figures.put("objectScale", r.objectScale());
        figures.put("objectBias", r.objectBias());
        return new TrainingLog(r.seconds(), r.losses(), r.threads(), figures, Map.of());
    }

    /** Trains into a temporary directory renamed into place, so a cache entry is whole or absent; true if it trained. */
    private static boolean ensure(Path dir, String canonical, Consumer<String> log, Training training) {
        if (Files.isRegularFile(dir.resolve(TRAINING_JSON))) return false;
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".partial-");
            log.accept("training " + dir.getFileName() + ": " + canonical);
            TrainingLog run = training.trainInto(tmp);
            ObjectNode info = Json.MAPPER.createObjectNode().put("options", canonical).put("seconds", run.seconds())
                    .put("steps", run.losses().size()).put("threads", run.threads());
            ObjectNode figures = info.putObject("figures");
            run.figures().forEach(figures::put);
            run.losses().forEach(info.putArray("losses")::add);
            if (!run.stages().isEmpty()) {
                ObjectNode stages = info.putObject("stages");
                run.stages().forEach((name, losses) -> losses.forEach(stages.putArray(name)::add));
            }
            AtomicFiles.writeString(tmp.resolve(TRAINING_JSON), info.toPrettyString() + "\n");
            if (Files.exists(dir)) deleteTree(dir); // an incomplete entry from an interrupted run
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model cache entry " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The {@code training.json} of a cached model directory. */
    public static TrainingLog trainingLog(Path dir) {
        try {
            var root = Json.MAPPER.readTree(dir.resolve(TRAINING_JSON).toFile());
            List<Double> losses = new ArrayList<>();
            root.path("losses").forEach(v -> losses.add(v.asDouble()));
            Map<String, Double> figures = new java.util.LinkedHashMap<>();
            root.path("figures").properties().forEach(e -> figures.put(e.getKey(), e.getValue().asDouble(Double.NaN)));
            Map<String, List<Double>> stages = new java.util.LinkedHashMap<>();
            root.path("stages").properties().forEach(e -> {
                List<Double> l = new ArrayList<>();
                e.getValue().forEach(v -> l.add(v.asDouble()));
                stages.put(e.getKey(), l);
            });
            return new TrainingLog(root.path("seconds").asDouble(Double.NaN), losses, root.path("threads").asInt(0), figures, stages);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(TRAINING_JSON), e);
        }
    }

    private static Metrics readMetrics(Path file) {
        try {
            return Json.MAPPER.treeToValue(Json.MAPPER.readTree(file.toFile()), Metrics.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cached metrics " + file + ": " + e.getMessage(), e);
        }
    }

    static Metrics measure(World world, Path scorerDir, Path captionerDir, Config config, Consumer<String> log) {
        WorldCaptioner captioner = WorldCaptioner.load(captionerDir);
        List<WorldImage> eval = world.images(Split.EVAL);
        eval = eval.subList(0, Math.min(eval.size(), config.evalImages()));
        if (eval.isEmpty()) throw new IllegalArgumentException("the world has no eval images to measure the captioner on");
        long start = System.nanoTime();
        ObjectExtractor extractor = new ObjectExtractor(ObjectVocabulary.coco());
        Descriptions described = describe(captioner, eval, world.groundTruth(Split.EVAL), config.maxNewTokens(), extractor);
        log.accept(String.format(Locale.ROOT, "described %d eval images in %.1f s", eval.size(), (System.nanoTime() - start) / 1e9));
        List<String> texts = described.texts();
        ChairReport chair = described.chair();
        CaptionSideEffects sideEffects = described.sideEffects();
        Map<String, Double> popeF1 = popeF1(eval.subList(0, Math.min(eval.size(), config.popeImages())), captioner, extractor);

        Scorer scorer = new Scorer(scorerDir, world.config().imageSize()).embed(eval);
        List<Double> scores = new ArrayList<>();
        List<Boolean> present = new ArrayList<>();
        int presentCount = 0, hallucinatedCount = 0;
        for (int i = 0; i < eval.size(); i++) {
            CaptionChair c = chair.captions().get(i);
            Set<Mention> hallucinated = new HashSet<>(c.hallucinated());
            Set<String> seen = new HashSet<>();
            for (Mention m : c.mentions()) {
                if (!seen.add(m.object())) continue; // one score per object and caption, as EFUF scores objects
                boolean real = !hallucinated.contains(m);
                // the words the caption used ("TVs"), as dataset formation scores them
                scores.add(scorer.score(eval.get(i), ObjectPhrases.forTerm(m.surface())));
                present.add(real);
                if (real) presentCount++; else hallucinatedCount++;
            }
        }
        double scorerAuc = ScorerQuality.auc(PerceptionGates.toDoubles(scores), PerceptionGates.toBooleans(present));
        double groupMateAuc = PerceptionGates.groupMateAuc(eval, scorer::score);
        double probeAuc = PerceptionGates.probeAuc(world, captioner::visualFeatures, config.probeTrainImages());
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < Math.min(8, texts.size()); i++) samples.add(eval.get(i).imageId() + ": " + texts.get(i));
        Metrics draft = new Metrics(eval.size(), chair.chairS(), chair.chairI(), chair.recall(), (double) chair.mentionCount() / eval.size(),
                sideEffects.repeatingShare(), sideEffects.unterminatedShare(), popeF1,
                scorerAuc, presentCount, hallucinatedCount, groupMateAuc, probeAuc, trainingLog(scorerDir).seconds(), trainingLog(captionerDir).seconds(),
                world.hallucinatingDescriptionRate(Split.TRAIN), Map.of(), samples);
        Metrics m = new Metrics(draft.captions(), draft.chairS(), draft.chairI(), draft.recall(), draft.mentionsPerCaption(), draft.repeatingShare(),
                draft.unterminatedShare(), popeF1, scorerAuc, presentCount, hallucinatedCount, groupMateAuc, probeAuc, draft.scorerTrainSeconds(),
                draft.captionerTrainSeconds(), draft.trainingHallucinationRate(), CaptionerGates.check(draft), samples);
        log.accept(String.format(Locale.ROOT, "base captioner: CHAIR_s %.3f CHAIR_i %.3f recall %.3f mentions/caption %.2f repeating %.3f "
                        + "unterminated %.3f POPE F1 %s | scorer AUC %.3f (%d present, %d hallucinated mentions), on group-mates %.3f | "
                        + "captioner probe AUC %.3f | gates %s",
                m.chairS(), m.chairI(), m.recall(), m.mentionsPerCaption(), m.repeatingShare(), m.unterminatedShare(), popeF1, m.scorerAuc(),
                presentCount, hallucinatedCount, groupMateAuc, probeAuc, m.gates()));
        return m;
    }

    /** Greedy detailed descriptions of some images with their CHAIR and side effects. */
    record Descriptions(List<String> texts, ChairReport chair, CaptionSideEffects sideEffects) {}

    /** The one way the gates measure descriptions: on the eval images here, on the validation images in {@link CheckpointSelection}. */
    static Descriptions describe(WorldCaptioner captioner, List<WorldImage> images, GroundTruth truth, int maxNewTokens, ObjectExtractor extractor) {
        List<String> texts = captioner.answer(images, World.DESCRIPTION_PROMPT, captioner.generation(maxNewTokens, Decoding.GREEDY));
        List<GeneratedCaption> generated = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) generated.add(new GeneratedCaption(images.get(i).imageId(), texts.get(i)));
        return new Descriptions(texts, new Chair(extractor, truth).evaluate(generated), CaptionSideEffects.of(texts, extractor));
    }

    /**
     * POPE with the project's own sampler and metrics on {@code eval} (held-out images, or validation images where a
     * training chooses its checkpoint): per split, 3 present and 3 absent objects an image from the vocabulary's
     * categories, answered greedily, "no" read as POPE reads it.
     */
    static Map<String, Double> popeF1(List<WorldImage> eval, WorldCaptioner captioner, ObjectExtractor extractor) {
        Map<String, WorldImage> byId = new HashMap<>();
        GroundTruth.Builder b = GroundTruth.builder();
        for (WorldImage image : eval) {
            byId.put(image.imageId(), image);
            b.image(image.imageId());
            for (String c : image.categories()) b.add(image.imageId(), c);
        }
        GroundTruth truth = b.build();
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (PopeSampler.Strategy split : PopeSampler.Strategy.values()) {
            List<PopeQuestion> questions = new PopeSampler(truth, new ArrayList<>(extractor.vocabulary().names())).sample(split, 0).questions();
            if (questions.isEmpty()) continue;
            out.put(split.name().toLowerCase(Locale.ROOT), PopeMetrics.ofAnswers(questions, answerPope(questions, byId, captioner)).f1());
        }
        return out;
    }

    /** The captioner's greedy answers to POPE's questions, each about its image in {@code byId}. */
    static List<String> answerPope(List<PopeQuestion> questions, Map<String, WorldImage> byId, WorldCaptioner captioner) {
        List<WorldImage> asked = new ArrayList<>(questions.size());
        List<String> prompts = new ArrayList<>(questions.size());
        for (PopeQuestion q : questions) {
            asked.add(byId.get(q.imageId()));
            prompts.add(q.text());
        }
        return captioner.answer(asked, prompts, captioner.generation(4, Decoding.GREEDY));
    }

    /** The scorer CLIP loaded from its directory: cosine of image and text embeddings, text embeddings cached. */
    static final class Scorer {
        private final ClipModel clip;
        private final Tokenizer tokenizer;
        private final org.efuf4j.models.image.ImagePreprocessor processor;
        private final Map<String, float[]> textCache = new HashMap<>();
        private final Map<String, float[]> imageCache = new HashMap<>();

        Scorer(Path dir, int imageSize) {
            this(PretrainedModels.load(dir, null, Device.CPU, ClipModel.class), tokenizer(dir), org.efuf4j.models.image.ImagePreprocessors.load(dir));
            if (processor.imageSize() != imageSize)
                throw new IllegalArgumentException(dir + ": the scorer reads " + processor.imageSize() + " px images, the world has " + imageSize);
        }

        /** A CLIP in memory (one in training, say): its weights are read as they are at each first look at an image. */
        Scorer(ClipModel clip, Tokenizer tokenizer, org.efuf4j.models.image.ImagePreprocessor processor) {
            this.clip = clip;
            this.tokenizer = tokenizer;
            this.processor = processor;
        }

        private static Tokenizer tokenizer(Path dir) {
            try {
                return Tokenizers.load(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(dir + ": cannot load the scorer's tokenizer: " + e.getMessage(), e);
            }
        }

        /** Embeds the images not seen yet in batches, ahead of scoring them one text at a time. */
        Scorer embed(List<WorldImage> images) {
            List<WorldImage> missing = images.stream().filter(i -> !imageCache.containsKey(i.imageId())).toList();
            for (int start = 0; start < missing.size(); start += 32) {
                List<WorldImage> chunk = missing.subList(start, Math.min(missing.size(), start + 32));
                try (NoGrad scope = NoGrad.enter()) {
                    float[] flat = clip.imageEmbeds(clip.visionModel.forward(WorldPixels.batch(chunk, processor))).value().toFloatArray();
                    int d = flat.length / chunk.size();
                    for (int b = 0; b < chunk.size(); b++) imageCache.put(chunk.get(b).imageId(), java.util.Arrays.copyOfRange(flat, b * d, (b + 1) * d));
                }
            }
            return this;
        }

        double score(WorldImage image, String text) {
            float[] i = imageCache.computeIfAbsent(image.imageId(), k -> imageEmbedding(image));
            float[] t = textCache.computeIfAbsent(text, this::textEmbedding);
            double dot = 0;
            for (int k = 0; k < i.length; k++) dot += i[k] * t[k];
            return dot;
        }

        private float[] imageEmbedding(WorldImage image) {
            try (NoGrad scope = NoGrad.enter()) {
                return clip.imageEmbeds(clip.visionModel.forward(WorldPixels.batch(List.of(image), processor))).value().toFloatArray();
            }
        }

        private float[] textEmbedding(String text) {
            try (NoGrad scope = NoGrad.enter()) {
                TextBatch b = TextBatch.encode(tokenizer, List.of(text), clip.config().textConfig().maxPositionEmbeddings());
                return clip.textEmbeds(clip.textModel.forward(b.ids(), b.mask())).value().toFloatArray();
            }
        }
    }

    static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

}

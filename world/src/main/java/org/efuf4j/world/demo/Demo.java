package org.efuf4j.world.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.clip.ClipScorer;
import org.efuf4j.clip.ScorerQuality;
import org.efuf4j.clip.ScoringOptions;
import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.efuf4j.efuf.eval.CaptionChair;
import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.io.JsonlWriter;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.pipeline.CaptionRecord;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.DatasetFormation;
import org.efuf4j.efuf.pipeline.Evaluation;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.pipeline.Perplexity;
import org.efuf4j.efuf.pipeline.ThresholdChoice;
import org.efuf4j.efuf.train.TrainableSet;
import org.efuf4j.efuf.train.TrainerSettings;
import org.efuf4j.efuf.train.TrainingDivergedException;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.efuf.train.ValidationStopping;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.plots.Charts;
import org.efuf4j.tensor.Device;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldCaption;
import org.efuf4j.world.WorldFiles;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.WorldImage;
import org.efuf4j.world.models.CaptionerGates;
import org.efuf4j.world.models.PerceptionGates;
import org.efuf4j.world.models.WorldCaptioner;
import org.efuf4j.world.models.WorldModels;
import org.efuf4j.world.report.DemoReport;

/**
 * The embedded default end to end: world, base models (shipped, or trained and cached), dataset formation with the
 * scorer CLIP and thresholds calibrated on a labelled sample, unlearning with EFUF on every seed and with the paper's
 * ablations, three controls and the paper's settings on the first seeds, evaluation of the base and every unlearned
 * model on the held-out eval images, and the report. EFUF runs both schedules at once: the paper's one pass over D-
 * and the validation schedule's stopping step. Everything lands in {@code out}; {@code metrics.json}
 * ({@link DemoMetrics}) holds every number the report shows.
 */
public final class Demo {
    public static final String METRICS = "metrics.json";
    /** Calibrated D+ and D- must each hold at least this many samples and this share of all scored mentions. */
    static final int MIN_SET_SIZE = 10;
    static final double MIN_SET_SHARE = 0.02;
    /**
     * The trainer's guard stops a run whose running L_ft of negatives rises past a multiple of its start, measured on the
     * first few negatives. The world's hallucinated clauses differ several-fold in L_ft, so at the trainer's default
     * (4x) a run of hard negatives reads as divergence: on seed 1 every variant that ascends "diverged" at the same
     * step 33, EFUF with the paper's settings (projector only, lambda1 0.3) included, whose weights barely move. The
     * negative cap already bounds each sample's ascent and a broken model still stops on a non-finite loss.
     */
    static final double DIVERGENCE_FACTOR = 25;

    private final DemoSettings settings;
    private final Path cache, out;
    private final Device device;
    private final Consumer<String> log;
    private final ObjectExtractor extractor = new ObjectExtractor(ObjectVocabulary.coco());
    private int evaluations;

    public Demo(DemoSettings settings, Path cache, Path out, Device device, Consumer<String> log) {
        this.settings = settings;
        this.cache = cache;
        this.out = out;
        this.device = device;
        this.log = log;
    }

    /** Runs every stage and writes the report; returns the metrics also written to {@code out/metrics.json}. */
    public DemoMetrics run() {
        long start = System.nanoTime();

        stage(1, "world");
        long t = System.nanoTime();
        World world = World.generate(settings.world());
        Path worldRoot = cache.resolve("world-" + settings.world().hash());
        WorldFiles files = new WorldFiles(worldRoot.resolve("files"));
        if (!files.isCompleteFor(settings.world())) files = world.writeTo(worldRoot.resolve("files"));
        else log.accept("world: reusing " + files.root());
        copy(files.sample(), out.resolve("plots/world-sample.png"));
        WorldConfig wc = settings.world();
        DemoMetrics.WorldFacts worldFacts = new DemoMetrics.WorldFacts(wc.hash(), wc.trainImages(), wc.valImages(), wc.evalImages(),
                world.categoryNames().size(), wc.hallucinationRate(), wc.descriptionHallucinationRate(), wc.descriptionPositionRate(),
                world.hallucinatingCaptionRate(Split.TRAIN),
                mentionHallucinationRate(world), world.hallucinatingDescriptionRate(Split.TRAIN));
        double worldSeconds = seconds(t);

        stage(2, "base models (scorer CLIP, captioner LLaVA)");
        t = System.nanoTime();
        WorldModels.Result models = WorldModels.prepare(world, cache, settings.models(), log);
        double baseModelSeconds = seconds(t);
        DemoMetrics.BaseModels baseModels = new DemoMetrics.BaseModels(!models.scorerTrained() && !models.captionerTrained(), models.shipped(),
                models.metrics(), gates(models.metrics()));
        for (DemoMetrics.Gate g : baseModels.failing())
            log.accept("base-model gate FAILS: " + g.name() + " (measured " + g.measured() + "); unlearning goes on, but the report says so");
        baseTrainingCurves(models);

        Path trainImages = files.split(Split.TRAIN).images();
        Path evalImages = files.split(Split.EVAL).images();
        GroundTruth trainTruth = world.groundTruth(Split.TRAIN);
        GroundTruth evalTruth = world.groundTruth(Split.EVAL);
        Map<String, List<String>> references = new HashMap<>();
        for (WorldImage image : world.images(Split.EVAL)) references.put(image.imageId(), image.references().stream().map(WorldCaption::text).toList());
        Evaluation.Settings evalSettings = new Evaluation.Settings(World.DESCRIPTION_PROMPT, Captioner.LLAVA_TEMPLATE, settings.captionTokens(),
                Decoding.GREEDY, List.of(PopeSampler.Strategy.values()), settings.popeTokens(), 0, settings.popeImages());
        Perplexity perplexity = Perplexity.load(models.captionerDir(), device); // one fixed judge: the base captioner's LM
        Evaluation.Extras extras = new Evaluation.Extras(references, perplexity);
        ValidationStopping.Probe probe = validationProbe(world, files);

        stage(3, "evaluating the base captioner on " + settings.world().evalImages() + " held-out images");
        t = System.nanoTime();
        ModelEvaluation base = evaluate(models.captionerDir(), evalImages, evalTruth, extras, evalSettings, out.resolve("eval").resolve(Variant.BASE));
        double evalSeconds = seconds(t), formationSeconds = 0, unlearnSeconds = 0;

        List<DemoMetrics.SeedRun> seeds = new ArrayList<>();
        for (int seed = 1; seed <= settings.seeds(); seed++) {
            Path seedDir = out.resolve("seed-" + seed);
            stage(4, "seed " + seed + "/" + settings.seeds() + ": forming the EFUF dataset");
            t = System.nanoTime();
            Formation f = form(world, models, trainImages, trainTruth, seed, seedDir.resolve("formation"));
            formationSeconds += seconds(t);
            Map<String, DemoMetrics.VariantRun> variants = new LinkedHashMap<>();
            for (Variant v : Variant.ALL) {
                if (!v.everySeed() && seed > settings.ablationSeeds()) continue;
                stage(5, "seed " + seed + ": unlearning, " + v.label());
                t = System.nanoTime();
                Path dataset = v.ablation().wholeSentences ? f.vanillaDataset : v.oracleLabels() ? f.oracleDataset : f.dataset;
                Path runDir = seedDir.resolve("unlearn").resolve(v.key());
                Trained tr = unlearn(models.captionerDir(), dataset, trainImages, runDir, v, seed, v.validated() ? probe : null);
                double secs = seconds(t);
                unlearnSeconds += secs;
                DemoMetrics.Training training = new DemoMetrics.Training(tr.status, tr.result == null ? 0 : tr.result.steps(), secs,
                        lossCurve(runDir), tr.result == null ? -1 : tr.result.stoppedAtStep(), validationLog(runDir),
                        tr.result == null || tr.result.draws() == null ? Map.of() : tr.result.draws());
                if (seed == 1 && v.validated()) copy(runDir.resolve("validation.png"), out.resolve("plots/validation-" + v.key() + ".png"));
                ModelEvaluation evaluation = null, stopped = null;
                if (tr.result != null) {
                    stage(6, "seed " + seed + ": evaluating " + v.label());
                    t = System.nanoTime();
                    evaluation = evaluate(tr.result.model(), evalImages, evalTruth, extras, evalSettings, seedDir.resolve("eval").resolve(v.key()));
                    if (tr.result.stoppedModel() != null)
                        stopped = evaluate(tr.result.stoppedModel(), evalImages, evalTruth, extras, evalSettings,
                                seedDir.resolve("eval").resolve(v.key() + Variant.STOPPED));
                    evalSeconds += seconds(t);
                }
                variants.put(v.key(), new DemoMetrics.VariantRun(training, evaluation, stopped));
            }
            seeds.add(new DemoMetrics.SeedRun(seed, f.figures, variants));
        }

        stage(7, "report");
        Map<String, Summary.ModelSummary> summary = DemoMetrics.summarise(base, seeds);
        Map<String, List<Acceptance.Criterion>> acceptance = new LinkedHashMap<>();
        for (String schedule : List.of(Variant.EFUF, Variant.EFUF_STOPPED)) acceptance.put(schedule, Acceptance.evaluate(summary, schedule));
        String schedule = Acceptance.holding(acceptance.get(Variant.EFUF_STOPPED)) > Acceptance.holding(acceptance.get(Variant.EFUF))
                ? Variant.EFUF_STOPPED : Variant.EFUF;
        List<DemoMetrics.GalleryItem> gallery = gallery(world, evalTruth, schedule);
        DemoMetrics.Timings timings = new DemoMetrics.Timings(worldSeconds, baseModelSeconds, formationSeconds, unlearnSeconds, evalSeconds,
                seconds(start), evaluations, settings.world().evalImages());
        DemoMetrics metrics = new DemoMetrics(runSettings(), worldFacts, baseModels, base, seeds, summary, acceptance, schedule,
                Acceptance.ablationOrder(summary), gallery, timings);
        metrics.write(out.resolve(METRICS));
        DemoReport.write(metrics, out);
        log.accept(String.format(Locale.ROOT, "demo: done in %.1f s; report %s", seconds(start), out.resolve(DemoReport.HTML)));
        return metrics;
    }

    private ModelEvaluation evaluate(Path model, Path images, GroundTruth truth, Evaluation.Extras extras, Evaluation.Settings s, Path dir) {
        evaluations++;
        return ModelEvaluation.of(Evaluation.run(model, new ImageFolder(images), truth, extractor, extras, s, dir, device));
    }

    /** The quality gates of the base models: the captioner's ({@link CaptionerGates}) and the perception gates. */
    static List<DemoMetrics.Gate> gates(WorldModels.Metrics m) {
        List<DemoMetrics.Gate> out = new ArrayList<>();
        String pope = m.popeF1().entrySet().stream().map(e -> e.getKey() + " " + fmt(e.getValue(), 3)).collect(java.util.stream.Collectors.joining(", "));
        List<String> measured = List.of(fmt(m.recall(), 3), fmt(m.repeatingShare(), 3), fmt(m.unterminatedShare(), 3), pope, fmt(m.chairS(), 3));
        int i = 0;
        for (var g : CaptionerGates.check(m).entrySet()) out.add(new DemoMetrics.Gate(g.getKey(), measured.get(i++), g.getValue()));
        out.add(new DemoMetrics.Gate(String.format(Locale.ROOT, "probe AUC on the captioner's projected features >= %.2f", PerceptionGates.GATE),
                fmt(m.probeAuc(), 3), m.probeAuc() >= PerceptionGates.GATE));
        out.add(new DemoMetrics.Gate(String.format(Locale.ROOT, "scorer AUC on the captioner's own mentions >= %.2f", PerceptionGates.GATE),
                fmt(m.scorerAuc(), 3), m.scorerAuc() >= PerceptionGates.GATE));
        return out;
    }

    private static String fmt(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
    }

    private DemoMetrics.RunSettings runSettings() {
        TrainerSettings paper = TrainerSettings.paper();
        return new DemoMetrics.RunSettings(settings.quick(), settings.seeds(), settings.ablationSeeds(), device.toString(),
                settings.world().canonical(), settings.models().scorer().canonical(), settings.models().captioner().canonical(),
                settings.popeImages(), settings.formationImages(), settings.calibrationShare(), settings.targetPrecision(),
                settings.selection().repeats(), settings.selection().separatorInTarget(), settings.selection().negativeEndsAtObject(),
                new DemoMetrics.Unlearning(settings.lr(), settings.lambda1(), settings.lambda2(), key(settings.trainable()), settings.negativeCap()),
                new DemoMetrics.Unlearning(paper.lr(), paper.lambda1(), paper.lambda2(), key(paper.trainable()), paper.negativeCap()),
                settings.validationImages(), settings.validationEvery(), settings.recallLimit(), settings.validationPasses());
    }

    private static String key(TrainableSet t) { return t.name().toLowerCase(Locale.ROOT); }

    /** Greedy captions of the first validation images, checked with CHAIR against their truth: the validation schedule's measure. */
    ValidationStopping.Probe validationProbe(World world, WorldFiles files) {
        ImageFolder folder = new ImageFolder(files.split(Split.VAL).images());
        Map<String, RgbImage> images = new LinkedHashMap<>();
        for (WorldImage image : world.images(Split.VAL).subList(0, settings.validationImages())) images.put(image.imageId(), folder.require(image.fileName()));
        return ValidationStopping.chair(images, world.groundTruth(Split.VAL), extractor, World.DESCRIPTION_PROMPT, settings.captionTokens());
    }

    private void stage(int n, String what) { log.accept("[" + n + "/7] " + what); }

    /** The share of object mentions in the world's training captions that name an absent object. */
    static double mentionHallucinationRate(World world) {
        long mentions = 0, absent = 0;
        for (WorldImage image : world.images(Split.TRAIN)) {
            for (WorldCaption c : image.trainingCaptions()) {
                mentions += c.objects().size() + c.absent().size();
                absent += c.absent().size();
            }
        }
        return mentions == 0 ? 0 : (double) absent / mentions;
    }

    record Formation(Path dataset, Path vanillaDataset, Path oracleDataset, DemoMetrics.Formation figures) {}

    /**
     * Sampled captions of the formation images, each mention scored by the scorer CLIP; thresholds calibrated on the
     * mentions of a small labelled share of images; D+/D-/Ds at clause granularity and, with the same thresholds, at
     * sentence granularity for the vanilla ablation.
     */
    Formation form(World world, WorldModels.Result models, Path trainImages, GroundTruth truth, int seed, Path dir) {
        List<WorldImage> images = world.images(Split.TRAIN).subList(0, settings.formationImages());
        WorldCaptioner captioner = WorldCaptioner.load(models.captionerDir());
        long t = System.nanoTime();
        List<String> captions = captioner.answer(images, World.DESCRIPTION_PROMPT,
                captioner.generation(settings.captionTokens(), new Decoding.Sampling(1.0, 0.95, seed)));
        log.accept(String.format(Locale.ROOT, "captioned %d training images in %.1f s", images.size(), seconds(t)));
        ClipScorer scorer = ClipScorer.load(models.scorerDir(), ScoringOptions.wholeImage().withTemplate("a {object}"), device);
        ImageFolder folder = new ImageFolder(trainImages);
        List<RgbImage> pixels = new ArrayList<>();
        List<List<Mention>> mentions = new ArrayList<>();
        List<List<String>> objects = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            pixels.add(folder.require(images.get(i).fileName()));
            List<Mention> ms = captions.get(i).isBlank() ? List.of() : extractor.extract(captions.get(i));
            mentions.add(ms);
            objects.add(ms.stream().map(Mention::surface).toList());
        }
        t = System.nanoTime();
        List<float[]> scores = scorer.scoreAll(pixels, objects);
        log.accept(String.format(Locale.ROOT, "scored %d mentions in %.1f s", objects.stream().mapToInt(List::size).sum(), seconds(t)));
        List<CaptionRecord> records = new ArrayList<>();
        Path captionsFile = dir.resolve("captions.jsonl");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(captionsFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        List<LabelledScore> labelled = new ArrayList<>();
        List<String> labelledObjects = new ArrayList<>();
        try (JsonlWriter writer = JsonlWriter.append(captionsFile)) {
            for (int i = 0; i < images.size(); i++) {
                CaptionRecord r = CaptionRecord.of(images.get(i).fileName(), captions.get(i), mentions.get(i), scores.get(i));
                writer.write(r);
                records.add(r);
                Set<String> present = images.get(i).categories();
                for (int k = 0; k < mentions.get(i).size(); k++) {
                    if (!Float.isFinite(scores.get(i)[k])) continue;
                    labelled.add(new LabelledScore(scores.get(i)[k], present.contains(mentions.get(i).get(k).object())));
                    labelledObjects.add(mentions.get(i).get(k).object());
                }
            }
        }
        // calibration sees the truth of a small share of the images only, as a user labelling a sample would
        int labelledImages = Math.max(1, (int) Math.round(settings.calibrationShare() * images.size()));
        GroundTruth.Builder sample = GroundTruth.builder();
        for (WorldImage image : images.subList(0, labelledImages)) {
            sample.image(image.imageId());
            for (String c : truth.require(image.imageId(), "calibration")) sample.add(image.imageId(), c);
        }
        Path dataset = dir.resolve("dataset");
        String thresholdSource = "calibrated on labelled mentions, target precision " + settings.targetPrecision();
        DatasetFormation.Outcome o;
        try {
            o = DatasetFormation.form(records, extractor.vocabulary(), sample.build(), formation(new ThresholdChoice.FromLabels(settings.targetPrecision(), null),
                    settings.selection(), seed), dataset);
            // a tail of one or two labelled mentions reaches any precision by chance: such thresholds are no calibration
            int fewest = Math.max(MIN_SET_SIZE, (int) Math.round(MIN_SET_SHARE * labelled.size()));
            if (o.selection().positives().size() < fewest || o.selection().negatives().size() < fewest || o.selection().sentences().isEmpty())
                throw new IllegalArgumentException("the calibrated thresholds leave D+ (" + o.selection().positives().size() + ") or D- ("
                        + o.selection().negatives().size() + ") under " + fewest + " samples, or Ds (" + o.selection().sentences().size() + ") empty");
        } catch (IllegalArgumentException e) {
            // a weak scorer or a tiny labelled sample cannot always reach the target: say so and fall back on the share of
            // hallucinated mentions the labelled sample shows (D- = the lowest half of that share), else on the quartiles
            double rate = labelledHallucinationRate(images.subList(0, labelledImages), mentions);
            log.accept(String.format(Locale.ROOT, "threshold calibration failed (%s); the labelled sample's hallucination rate is %.3f", e.getMessage(), rate));
            ThresholdChoice fallback = rate > 0 && rate < 1 ? new ThresholdChoice.FromHallucinationRate(rate, 0.5, null)
                    : new ThresholdChoice.FromPercentiles(25, 75, null);
            thresholdSource = (rate > 0 && rate < 1 ? String.format(Locale.ROOT, "hallucination rate %.3f of the labelled sample", rate)
                    : "quartiles of all scores") + " (calibration failed: " + e.getMessage() + ")";
            o = DatasetFormation.form(records, extractor.vocabulary(), sample.build(), formation(fallback, settings.selection(), seed), dataset);
        }
        ThresholdSet th = o.thresholds();
        Path vanilla = dir.resolve("dataset-vanilla");
        DatasetFormation.Outcome ov = DatasetFormation.form(records, extractor.vocabulary(), null,
                formation(new ThresholdChoice.Given(th.t0(), th.t1(), th.t2()),
                        settings.selection().withGranularity(SampleSelector.Granularity.SENTENCE_BY_LOWEST), seed), vanilla);
        log.accept(String.format(Locale.ROOT, "thresholds (%s; %d labelled images): T0=%.2f T1=%.2f T2=%.2f; D+ %d, D- %d, Ds %d (vanilla D+ %d, D- %d)",
                thresholdSource, labelledImages, th.t0(), th.t1(), th.t2(), o.selection().positives().size(), o.selection().negatives().size(),
                o.selection().sentences().size(), ov.selection().positives().size(), ov.selection().negatives().size()));
        // the same captions and thresholds, every mention labelled by the world's truth
        Path oracle = dir.resolve("dataset-oracle");
        DatasetFormation.Outcome oo = DatasetFormation.form(records, extractor.vocabulary(), truthOf(images, truth),
                new DatasetFormation.Settings(new ThresholdChoice.Given(th.t0(), th.t1(), th.t2()), settings.selection(), 0.05, seed, true, 0.5),
                oracle);
        ScoreDistribution d = ScoreDistribution.of(labelled, th);
        double[] s = new double[labelled.size()];
        boolean[] present = new boolean[labelled.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = labelled.get(i).score();
            present[i] = labelled.get(i).present();
        }
        if (seed == 1 && !labelled.isEmpty()) Charts.scoreHistogram(d.histogram(), th, out.resolve("plots/figure2-scores.png"));
        DemoMetrics.Formation figures = new DemoMetrics.Formation(images.size(), labelledImages, labelled.size(),
                new DemoMetrics.Thresholds(th.t0(), th.t1(), th.t2()), thresholdSource, counts(o.statistics()), counts(ov.statistics()),
                counts(oo.statistics()), d.figures(), ScorerQuality.auc(s, present), ObjectLabels.of(labelledObjects, labelled, th));
        return new Formation(dataset, vanilla, oracle, figures);
    }

    /** The truth of the given images, keyed by image id as the formation's records are. */
    private static GroundTruth truthOf(List<WorldImage> images, GroundTruth truth) {
        GroundTruth.Builder b = GroundTruth.builder();
        for (WorldImage image : images) {
            b.image(image.imageId());
            for (String c : truth.require(image.imageId(), "oracle labels")) b.add(image.imageId(), c);
        }
        return b.build();
    }

    private static DemoMetrics.SetCounts counts(JsonNode statistics) {
        JsonNode c = statistics.path("counts");
        return new DemoMetrics.SetCounts(c.path("positive").asInt(), c.path("negative").asInt(), c.path("sentence").asInt(), c.path("train").asInt(),
                c.path("validation").asInt());
    }

    /** The share of the labelled images' mentions that name an absent object. */
    private static double labelledHallucinationRate(List<WorldImage> labelled, List<List<Mention>> mentions) {
        int all = 0, absent = 0;
        for (int i = 0; i < labelled.size(); i++) {
            for (Mention m : mentions.get(i)) {
                all++;
                if (!labelled.get(i).categories().contains(m.object())) absent++;
            }
        }
        return all == 0 ? Double.NaN : (double) absent / all;
    }

    private static DatasetFormation.Settings formation(ThresholdChoice thresholds, SampleSelector.Options selection, int seed) {
        return new DatasetFormation.Settings(thresholds, selection, 0.05, seed, false, 0.5);
    }

    /** A run's outcome: the trainer's result, null when it could not train (the status says why). */
    private record Trained(String status, UnlearningTrainer.Result result) {}

    /**
     * The demo's unlearning settings, or the paper's for the paper's row; with a probe the run also keeps the weights
     * the validation schedule chooses.
     */
    private Trained unlearn(Path base, Path dataset, Path images, Path runDir, Variant v, int seed, ValidationStopping.Probe probe) {
        TrainerSettings.Builder b = TrainerSettings.paper().toBuilder();
        if (!v.paperSettings())
            b.lambda1(settings.lambda1()).lambda2(settings.lambda2()).lr(settings.lr()).trainable(settings.trainable()).negativeCap(settings.negativeCap());
        TrainerSettings ts = b.ablation(v.ablation()).checkpointEvery(1_000_000).seed(seed).prompt(World.DESCRIPTION_PROMPT)
                .divergenceFactor(DIVERGENCE_FACTOR).build();
        ValidationStopping stopping = probe == null ? null : new ValidationStopping(probe, settings.validationEvery(), settings.recallLimit(), settings.validationPasses());
        try {
            return new Trained("trained", new UnlearningTrainer(ts, base, dataset, new ImageFolder(images), runDir, device, stopping).train());
        } catch (TrainingDivergedException | IllegalArgumentException e) {
            log.accept("unlearning " + runDir.getFileName() + " failed: " + e.getMessage());
            return new Trained("not trained: " + e.getMessage(), null);
        }
    }

    private static List<Double> lossCurve(Path runDir) {
        Path f = runDir.resolve(UnlearningTrainer.LOSS_LOG);
        if (!Files.exists(f)) return List.of();
        List<Double> out = new ArrayList<>();
        for (JsonNode n : JsonlReader.readTree(f).records()) out.add(n.path("loss").asDouble());
        return out;
    }

    private static List<ValidationStopping.Point> validationLog(Path runDir) {
        Path f = runDir.resolve(UnlearningTrainer.VALIDATION_LOG);
        if (!Files.exists(f)) return List.of();
        List<ValidationStopping.Point> out = new ArrayList<>();
        for (JsonNode n : JsonlReader.readTree(f).records())
            out.add(new ValidationStopping.Point(n.path("step").asLong(), n.path("chair_s").asDouble(), n.path("chair_i").asDouble(), n.path("recall").asDouble()));
        return out;
    }

    private void baseTrainingCurves(WorldModels.Result models) {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (var e : Map.of("scorer CLIP", models.scorerDir(), "captioner LLaVA", models.captionerDir()).entrySet())
            series.put(e.getKey(), WorldModels.trainingLog(e.getValue()).losses().stream().mapToDouble(Double::doubleValue).toArray());
        Charts.curvesFromStepOne("Base model pretraining on the world", series, out.resolve("plots/base-training.png"));
    }

    /** Eval images with the base captions and seed 1's EFUF captions under the reported schedule, hallucinated mentions located. */
    private List<DemoMetrics.GalleryItem> gallery(World world, GroundTruth truth, String schedule) {
        List<DemoMetrics.GalleryItem> items = new ArrayList<>();
        List<WorldImage> eval = world.images(Split.EVAL);
        Map<String, Map<String, String>> captionsByModel = new LinkedHashMap<>();
        captionsByModel.put(Variant.BASE, readCaptions(out.resolve("eval").resolve(Variant.BASE)));
        captionsByModel.put(schedule, readCaptions(out.resolve("seed-1").resolve("eval").resolve(schedule)));
        Chair chair = new Chair(extractor, truth);
        for (WorldImage image : eval.subList(0, Math.min(settings.galleryImages(), eval.size()))) {
            String thumb = "gallery/" + image.imageId() + ".png";
            Thumbnails.write(image, 128, out.resolve(thumb));
            Map<String, DemoMetrics.Caption> captions = new LinkedHashMap<>();
            for (var e : captionsByModel.entrySet()) {
                String text = e.getValue().get(image.fileName());
                if (text == null) continue;
                CaptionChair c = chair.evaluate(image.imageId(), text);
                captions.put(e.getKey(), new DemoMetrics.Caption(text,
                        c.hallucinated().stream().map(m -> new DemoMetrics.Span(m.start(), m.end(), m.object())).toList()));
            }
            items.add(new DemoMetrics.GalleryItem(image.imageId(), thumb, image.categories().stream().sorted().toList(), captions));
        }
        return items;
    }

    private static Map<String, String> readCaptions(Path evalDir) {
        Map<String, String> m = new HashMap<>();
        Path f = evalDir.resolve("captions.jsonl");
        if (!Files.exists(f)) return m;
        for (CaptionRecord r : JsonlReader.read(f, CaptionRecord.class).records()) if (!r.isSkipped()) m.put(r.image(), r.caption());
        return m;
    }

    private static void copy(Path from, Path to) {
        try {
            if (!Files.exists(from)) return;
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static double seconds(long since) { return (System.nanoTime() - since) / 1e9; }
}

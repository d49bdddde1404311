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
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.clip.ClipScorer;
import org.efuf4j.clip.ScorerQuality;
import org.efuf4j.clip.ScoringOptions;
import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.efuf4j.efuf.eval.CaptionChair;
import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;
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
import org.efuf4j.efuf.train.Ablation;
import org.efuf4j.efuf.train.TrainerSettings;
import org.efuf4j.efuf.train.TrainingDivergedException;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.plots.Charts;
import org.efuf4j.tensor.Device;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldCaption;
import org.efuf4j.world.WorldFiles;
import org.efuf4j.world.WorldImage;
import org.efuf4j.world.models.WorldCaptioner;
import org.efuf4j.world.models.WorldModels;
import org.efuf4j.world.report.DemoReport;

/**
 * The embedded default end to end: world, base models (cached), dataset formation with the scorer CLIP and
 * thresholds calibrated on a labelled sample, unlearning with full EFUF and the three ablations, evaluation of base
 * and every variant on held-out eval images, and the report. Everything lands in {@code out}; {@code metrics.json}
 * holds every number the report shows.
 */
public final class Demo {
    /** The variants in the order of the paper's Table 3, with the ablation that trains each. */
    public static final Map<String, Ablation> VARIANTS = variants();
    public static final String BASE = "base";
    public static final String METRICS = "metrics.json";
    /** Calibrated D+ and D- must each hold at least this many samples and this share of all scored mentions. */
    static final int MIN_SET_SIZE = 10;
    static final double MIN_SET_SHARE = 0.02;

    private final DemoSettings settings;
    private final Path cache, out;
    private final Device device;
    private final Consumer<String> log;
    private final ObjectExtractor extractor = new ObjectExtractor(ObjectVocabulary.coco());

    public Demo(DemoSettings settings, Path cache, Path out, Device device, Consumer<String> log) {
        this.settings = settings;
        this.cache = cache;
        this.out = out;
        this.device = device;
        this.log = log;
    }

    private static Map<String, Ablation> variants() {
        Map<String, Ablation> m = new LinkedHashMap<>();
        m.put("vanilla", Ablation.VANILLA);
        m.put("no_sentence", Ablation.NO_SENTENCE);
        m.put("sentence_only", Ablation.SENTENCE_ONLY);
        m.put("efuf", Ablation.FULL);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Runs every stage and writes the report; returns the metrics tree also written to {@code out/metrics.json}. */
    public ObjectNode run() {
        long start = System.nanoTime();
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        ObjectNode timings = Json.MAPPER.createObjectNode();
        putSettings(metrics.putObject("settings"));

        stage(1, "world");
        long t = System.nanoTime();
        World world = World.generate(settings.world());
        Path worldRoot = cache.resolve("world-" + settings.world().hash());
        WorldFiles files = new WorldFiles(worldRoot.resolve("files"));
        if (!files.isCompleteFor(settings.world())) files = world.writeTo(worldRoot.resolve("files"));
        else log.accept("world: reusing " + files.root());
        copy(files.sample(), out.resolve("plots/world-sample.png"));
        ObjectNode w = metrics.putObject("world");
        w.put("hash", settings.world().hash());
        w.put("train_images", settings.world().trainImages());
        w.put("eval_images", settings.world().evalImages());
        w.put("categories", world.categoryNames().size());
        w.put("configured_hallucination_rate", settings.world().hallucinationRate());
        w.put("training_caption_hallucination_rate", world.hallucinatingCaptionRate(Split.TRAIN));
        w.put("training_mention_hallucination_rate", mentionHallucinationRate(world));
        timings.put("world_s", seconds(t));

        stage(2, "base models (scorer CLIP, captioner LLaVA)");
        t = System.nanoTime();
        WorldModels.Result models = WorldModels.prepare(world, cache, settings.models(), log);
        timings.put("base_models_s", seconds(t));
        metrics.put("base_models_cached", !models.scorerTrained() && !models.captionerTrained());
        metrics.put("base_models_shipped", models.shipped());
        metrics.set("base_models", Json.MAPPER.valueToTree(models.metrics()));
        baseTrainingCurves(models);

        Path trainImages = files.split(Split.TRAIN).images();
        Path evalImages = files.split(Split.EVAL).images();
        GroundTruth trainTruth = world.groundTruth(Split.TRAIN);
        GroundTruth evalTruth = world.groundTruth(Split.EVAL);
        Map<String, List<String>> references = new HashMap<>();
        for (WorldImage image : world.images(Split.EVAL)) references.put(image.imageId(), image.references().stream().map(WorldCaption::text).toList());
        Evaluation.Settings evalSettings = new Evaluation.Settings(World.DESCRIPTION_PROMPT, Captioner.LLAVA_TEMPLATE, settings.captionTokens(),
                Decoding.GREEDY, List.of(PopeSampler.Strategy.values()), settings.popeTokens(), 0);
        Perplexity perplexity = Perplexity.load(models.captionerDir(), device); // one fixed judge: the base captioner's LM
        Evaluation.Extras extras = new Evaluation.Extras(references, perplexity);

        stage(3, "evaluating the base captioner on " + settings.world().evalImages() + " held-out images");
        t = System.nanoTime();
        metrics.set(BASE, Evaluation.run(models.captionerDir(), new ImageFolder(evalImages), evalTruth, extractor, extras, evalSettings,
                out.resolve("eval").resolve(BASE), device));
        double evalSeconds = seconds(t), formationSeconds = 0, unlearnSeconds = 0;

        ArrayNode seeds = metrics.putArray("seeds");
        for (int seed = 1; seed <= settings.seeds(); seed++) {
            ObjectNode s = seeds.addObject();
            s.put("seed", seed);
            Path seedDir = out.resolve("seed-" + seed);
            stage(4, "seed " + seed + "/" + settings.seeds() + ": forming the EFUF dataset");
            t = System.nanoTime();
            Formation f = form(world, models, trainImages, trainTruth, seed, seedDir.resolve("formation"), s.putObject("formation"));
            formationSeconds += seconds(t);
            ObjectNode variants = s.putObject("variants");
            ObjectNode training = s.putObject("training");
            for (Map.Entry<String, Ablation> v : VARIANTS.entrySet()) {
                stage(5, "seed " + seed + ": unlearning, " + v.getKey());
                t = System.nanoTime();
                Path dataset = v.getValue() == Ablation.VANILLA ? f.vanillaDataset : f.dataset;
                ObjectNode tr = training.putObject(v.getKey());
                Path model = unlearn(models.captionerDir(), dataset, trainImages, seedDir.resolve("unlearn").resolve(v.getKey()), v.getValue(), seed, tr);
                double secs = seconds(t);
                tr.put("seconds", secs);
                unlearnSeconds += secs;
                if (model == null) continue;
                stage(6, "seed " + seed + ": evaluating " + v.getKey());
                t = System.nanoTime();
                variants.set(v.getKey(), Evaluation.run(model, new ImageFolder(evalImages), evalTruth, extractor, extras, evalSettings,
                        seedDir.resolve("eval").resolve(v.getKey()), device));
                evalSeconds += seconds(t);
            }
        }
        timings.put("formation_s", formationSeconds);
        timings.put("unlearning_s", unlearnSeconds);
        timings.put("evaluation_s", evalSeconds);

        stage(7, "report");
        metrics.set("summary", Summary.of(metrics));
        metrics.set("acceptance", Acceptance.evaluate(metrics));
        metrics.set("gallery", gallery(world, evalTruth));
        timings.put("total_s", seconds(start));
        metrics.set("timings", timings);
        AtomicFiles.write(out.resolve(METRICS), o -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o, metrics));
        DemoReport.write(metrics, out);
        log.accept(String.format(Locale.ROOT, "demo: done in %.1f s; report %s", seconds(start), out.resolve(DemoReport.HTML)));
        return metrics;
    }

    private void stage(int n, String what) { log.accept("[" + n + "/7] " + what); }

    private void putSettings(ObjectNode s) {
        s.put("quick", settings.quick());
        s.put("seeds", settings.seeds());
        s.put("device", device.toString());
        s.put("world", settings.world().canonical());
        s.put("scorer", settings.models().scorer().canonical());
        s.put("captioner", settings.models().captioner().canonical());
        s.put("formation_images", settings.formationImages());
        s.put("calibration_share", settings.calibrationShare());
        s.put("target_precision", settings.targetPrecision());
        s.put("lr", settings.lr());
        s.put("lambda1", settings.lambda1());
        s.put("lambda2", settings.lambda2());
        s.put("trainable", settings.trainable().name().toLowerCase(Locale.ROOT));
        s.put("negative_cap", settings.negativeCap());
    }

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

    private record Formation(Path dataset, Path vanillaDataset) {}

    /**
     * Sampled captions of the formation images, each mention scored by the scorer CLIP; thresholds calibrated on the
     * mentions of a small labelled share of images; D+/D-/Ds at clause granularity and, with the same thresholds, at
     * sentence granularity for the vanilla ablation.
     */
    private Formation form(World world, WorldModels.Result models, Path trainImages, GroundTruth truth, int seed, Path dir, ObjectNode node) {
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
        try (JsonlWriter writer = JsonlWriter.append(captionsFile)) {
            for (int i = 0; i < images.size(); i++) {
                CaptionRecord r = CaptionRecord.of(images.get(i).fileName(), captions.get(i), mentions.get(i), scores.get(i));
                writer.write(r);
                records.add(r);
                Set<String> present = images.get(i).categories();
                for (int k = 0; k < mentions.get(i).size(); k++) {
                    if (Float.isFinite(scores.get(i)[k])) labelled.add(new LabelledScore(scores.get(i)[k], present.contains(mentions.get(i).get(k).object())));
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
                    SampleSelector.Options.PAPER, seed), dataset);
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
            o = DatasetFormation.form(records, extractor.vocabulary(), sample.build(), formation(fallback, SampleSelector.Options.PAPER, seed), dataset);
        }
        node.put("threshold_source", thresholdSource);
        ThresholdSet th = o.thresholds();
        Path vanilla = dir.resolve("dataset-vanilla");
        DatasetFormation.Outcome ov = DatasetFormation.form(records, extractor.vocabulary(), null,
                formation(new ThresholdChoice.Given(th.t0(), th.t1(), th.t2()), SampleSelector.Options.VANILLA, seed), vanilla);
        log.accept(String.format(Locale.ROOT, "thresholds (%s; %d labelled images): T0=%.2f T1=%.2f T2=%.2f; D+ %d, D- %d, Ds %d (vanilla D+ %d, D- %d)",
                thresholdSource, labelledImages, th.t0(), th.t1(), th.t2(), o.selection().positives().size(), o.selection().negatives().size(),
                o.selection().sentences().size(), ov.selection().positives().size(), ov.selection().negatives().size()));

        node.put("images", images.size());
        node.put("labelled_images", labelledImages);
        node.put("mentions", labelled.size());
        ObjectNode thresholds = node.putObject("thresholds");
        thresholds.put("t0", th.t0());
        thresholds.put("t1", th.t1());
        thresholds.put("t2", th.t2());
        node.set("dataset", o.statistics());
        node.set("vanilla_dataset", ov.statistics());
        ScoreDistribution d = ScoreDistribution.of(labelled, th);
        node.set("scores", d.toJson());
        double[] s = new double[labelled.size()];
        boolean[] present = new boolean[labelled.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = labelled.get(i).score();
            present[i] = labelled.get(i).present();
        }
        finite(node, "scorer_auc", ScorerQuality.auc(s, present));
        if (seed == 1 && !labelled.isEmpty()) Charts.scoreHistogram(d.histogram(), th, out.resolve("plots/figure2-scores.png"));
        return new Formation(dataset, vanilla);
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

    /** Null when the variant could not be trained; the reason is in {@code node.status}. */
    private Path unlearn(Path base, Path dataset, Path images, Path runDir, Ablation ablation, int seed, ObjectNode node) {
        TrainerSettings ts = TrainerSettings.paper().toBuilder().lambda1(settings.lambda1()).lambda2(settings.lambda2()).lr(settings.lr())
                .trainable(settings.trainable()).ablation(ablation).negativeCap(settings.negativeCap()).checkpointEvery(1_000_000).seed(seed)
                .prompt(World.DESCRIPTION_PROMPT).build();
        try {
            UnlearningTrainer.Result r = new UnlearningTrainer(ts, base, dataset, new ImageFolder(images), runDir, device).train();
            node.put("status", "trained");
            node.put("steps", r.steps());
            lossCurve(runDir, node);
            return r.model();
        } catch (TrainingDivergedException | IllegalArgumentException e) {
            node.put("status", "not trained: " + e.getMessage());
            log.accept("unlearning " + runDir.getFileName() + " failed: " + e.getMessage());
            return null;
        }
    }

    private static void lossCurve(Path runDir, ObjectNode node) {
        Path f = runDir.resolve(UnlearningTrainer.LOSS_LOG);
        if (!Files.exists(f)) return;
        ArrayNode arr = node.putArray("loss");
        for (JsonNode n : JsonlReader.readTree(f).records()) arr.add(n.path("loss").asDouble());
    }

    private void baseTrainingCurves(WorldModels.Result models) {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (var e : Map.of("scorer CLIP", models.scorerDir(), "captioner LLaVA", models.captionerDir()).entrySet())
            series.put(e.getKey(), WorldModels.trainingLog(e.getValue()).losses().stream().mapToDouble(Double::doubleValue).toArray());
        Charts.curvesFromStepOne("Base model pretraining on the world", series, out.resolve("plots/base-training.png"));
    }

    /** Eval images with the base and (seed 1) EFUF captions, hallucinated mentions located; thumbnails under gallery/. */
    private ArrayNode gallery(World world, GroundTruth truth) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        List<WorldImage> eval = world.images(Split.EVAL);
        Map<String, Map<String, String>> captionsByModel = new LinkedHashMap<>();
        captionsByModel.put(BASE, readCaptions(out.resolve("eval").resolve(BASE)));
        captionsByModel.put("efuf", readCaptions(out.resolve("seed-1").resolve("eval").resolve("efuf")));
        Chair chair = new Chair(extractor, truth);
        for (WorldImage image : eval.subList(0, Math.min(settings.galleryImages(), eval.size()))) {
            ObjectNode g = arr.addObject();
            g.put("image", image.imageId());
            String thumb = "gallery/" + image.imageId() + ".png";
            Thumbnails.write(image, 128, out.resolve(thumb));
            g.put("thumbnail", thumb);
            image.categories().stream().sorted().forEach(g.putArray("objects")::add);
            ObjectNode cs = g.putObject("captions");
            for (var e : captionsByModel.entrySet()) {
                String text = e.getValue().get(image.fileName());
                if (text == null) continue;
                CaptionChair c = chair.evaluate(List.of(new GeneratedCaption(image.imageId(), text))).captions().getFirst();
                ObjectNode cn = cs.putObject(e.getKey());
                cn.put("text", text);
                ArrayNode h = cn.putArray("hallucinated");
                for (Mention m : c.hallucinated()) h.addObject().put("start", m.start()).put("end", m.end()).put("object", m.object());
            }
        }
        return arr;
    }

    private static Map<String, String> readCaptions(Path evalDir) {
        Map<String, String> m = new HashMap<>();
        Path f = evalDir.resolve("captions.jsonl");
        if (!Files.exists(f)) return m;
        for (CaptionRecord r : JsonlReader.read(f, CaptionRecord.class).records()) if (!r.isSkipped()) m.put(r.image(), r.caption());
        return m;
    }

    static void finite(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) node.put(key, v);
        else node.putNull(key);
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

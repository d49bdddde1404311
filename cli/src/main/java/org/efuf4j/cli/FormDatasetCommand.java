package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.io.Digests;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.pipeline.CaptionScoringStage;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.DatasetFormation;
import org.efuf4j.efuf.pipeline.FormationEngine;
import org.efuf4j.efuf.pipeline.FormationModels;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.pipeline.ImageScoring;
import org.efuf4j.efuf.pipeline.ModelDirectory;
import org.efuf4j.efuf.pipeline.ThresholdChoice;
import org.efuf4j.efuf.pipeline.Throughput;
import org.efuf4j.tensor.Device;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf form-dataset}: caption an image folder, score the mentioned objects with CLIP, and write D+, D- and Ds. */
@Command(name = "form-dataset", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Caption every image with the MLLM, score each mentioned object with CLIP, and form D+ (S > T0), D- (S < T1) and Ds (mean S > T2).",
                "Resumable: images already in OUT/captions.jsonl are not redone."})
final class FormDatasetCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "LLaVA directory that writes the captions") Path model;
    @Option(names = "--clip", required = true, description = "CLIPModel directory that scores the objects") Path clip;
    @Option(names = "--images", required = true, description = "folder of training images; with --engine spark also a manifest file of image paths, on any file system Spark reads (hdfs://, s3a://)") String images;
    @Option(names = "--out", required = true, description = "output folder") Path out;
    @Mixin FormationOptions formation;
    @Mixin DecodingOptions decoding;
    @Mixin VocabularyOptions vocabulary;
    @Mixin RestartOption restart;
    @Mixin DeviceOption device;
    @Mixin EngineOptions engine;

    @Override public Integer call() {
        ModelFiles.existingDirectory(model, "--model");
        ModelFiles.existingDirectory(clip, "--clip");
        if (engine.local()) ModelFiles.existingDirectory(Path.of(images), "--images");
        for (Path a : vocabulary.annotations) ModelFiles.existingFile(a, "--annotations");
        OutputFolder.check(out, "--out");
        formation.settings(!vocabulary.annotations.isEmpty());
        run(model, clip, images, out, formation, decoding, vocabulary, restart.restart, device.device(), engine);
        return 0;
    }

    static DatasetFormation.Outcome run(Path model, Path clip, Path images, Path out, FormationOptions f, DecodingOptions d,
                                        VocabularyOptions v, boolean restart, Device device) {
        return run(model, clip, images.toString(), out, f, d, v, restart, device, new EngineOptions());
    }

    static DatasetFormation.Outcome run(Path model, Path clip, String images, Path out, FormationOptions f, DecodingOptions d,
                                        VocabularyOptions v, boolean restart, Device device, EngineOptions engine) {
        ObjectExtractor extractor = v.extractor();
        GroundTruth truth = v.groundTruth(extractor);
        DatasetFormation.Settings settings = f.settings(truth != null);
        String prompt = ModelDirectory.prompt(model, f.prompt, Captioner.FORMATION_PROMPT), template = ModelDirectory.template(model, f.template);
        FormationModels models = FormationModels.of(model, clip, f.scoring, f.cellSize, prompt, template, f.maxNewTokens,
                d.decoding(DecodingOptions.Kind.greedy), v.synonyms, device);
        Path captions = out.resolve("captions.jsonl");
        CaptionScoringStage.Result r;
        if (engine.local()) {
            ImageFolder folder = new ImageFolder(Path.of(images));
            ImageScoring work = models.open();
            r = CaptionScoringStage.run(Digests.ofListing(folder.dir(), folder.names()), folder.names(), captions,
                    CaptionScoringStage.inProcess(folder, work, "caption+score"), true, models.record(), restart);
        } else {
            try (FormationEngine.Job job = FormationEngine.find(engine.engine).prepare(images, models, engine.master, engine.partitions)) {
                r = CaptionScoringStage.run(job.listing(), job.names(), captions, job, true, models.record(), restart);
            }
        }
        if (r.skipped() > 0) System.err.println("efuf: skipped " + r.skipped() + " unreadable image(s) (their reasons are in the \"skipped\" records of "
                + out.resolve("captions.jsonl") + "); replace or fix them and run the same command again: skipped images are retried");
        DatasetFormation.Outcome o = DatasetFormation.form(r.records(), extractor.vocabulary(), truth, settings, out, r.throughput());
        ObjectNode c = (ObjectNode) o.statistics().get("counts");
        System.out.printf("thresholds T0=%.3f T1=%.3f T2=%.3f%n", o.thresholds().t0(), o.thresholds().t1(), o.thresholds().t2());
        System.out.printf("images=%d skipped=%d captions=%d mentions=%d nan_scores=%d positive=%d negative=%d sentence=%d train=%d validation=%d%n",
                c.get("images").asInt(), c.get("skipped_images").asInt(), c.get("captions").asInt(), c.get("mentions").asInt(), c.get("nan_scores").asInt(),
                c.get("positive").asInt(), c.get("negative").asInt(), c.get("sentence").asInt(), c.get("train").asInt(), c.get("validation").asInt());
        if (o.statistics().has("quality_on_labelled_mentions")) System.out.println("quality on labelled mentions: " + o.statistics().get("quality_on_labelled_mentions"));
        Throughput t = r.throughput();
        System.out.printf("%s: %d images in %.1f s (%.2f images/s over %d workers); worker time %.0f%% captioning, %.0f%% scoring%n", t.engine(),
                t.work().images(), t.seconds(), t.imagesPerSecond(), t.workers(), 100 * share(t.work().captionSeconds(), t.work()),
                100 * share(t.work().scoringSeconds(), t.work()));
        System.out.println("wrote " + out.resolve("train") + ", " + out.resolve("validation") + ", " + out.resolve(DatasetFormation.STATISTICS) + ", " + out.resolve("score-histogram.png"));
        return o;
    }

    private static double share(double part, Throughput.Work w) {
        double busy = w.captionSeconds() + w.scoringSeconds();
        return busy > 0 ? part / busy : 0;
    }

    /** Where the per-image work runs: this process, or a {@link FormationEngine} found at run time (Spark). */
    static final class EngineOptions {
        @Option(names = "--engine", defaultValue = "local", description = "local (this process) or spark (the efuf4j-spark module; default: ${DEFAULT-VALUE})")
        String engine = "local";
        @Option(names = "--master", description = "with --engine spark: the Spark master, e.g. local[2], local[2,3] (2 threads, 3 tries a task),"
                + " spark://host:7077 (default: what spark-submit sets, else local[*])") String master;
        @Option(names = "--partitions", defaultValue = "0", description = "with --engine spark: pieces the images are cut into (default: 4 per task slot)")
        int partitions;

        boolean local() {
            if (!engine.equals("local") && !engine.equals("spark")) throw new IllegalArgumentException("--engine must be local or spark, got " + engine);
            if (engine.equals("local") && (master != null || partitions != 0)) throw new IllegalArgumentException("--master and --partitions need --engine spark");
            if (partitions < 0) throw new IllegalArgumentException("--partitions must be >= 0, got " + partitions);
            return engine.equals("local");
        }
    }

    /** Prompt, scoring and threshold options of dataset formation. */
    static final class FormationOptions {
        @Option(names = "--prompt", description = "caption prompt (default: the one the --model directory records, else \"" + Captioner.FORMATION_PROMPT + "\")") String prompt;
        @Option(names = "--template", description = "chat template with {prompt} and <image> (default: the --model directory's, else LLaVA-1.5's)") String template;
        @Option(names = "--max-new-tokens", defaultValue = "96", description = "default: ${DEFAULT-VALUE}") int maxNewTokens;
        @Option(names = "--scoring", defaultValue = "paper", description = "paper (max over sliding windows), implementation (mean of top-4 cells), whole-image (default: ${DEFAULT-VALUE})") String scoring;
        @Option(names = "--cell-size", description = "window cell side in pixels (default: 48, the authors' value for 224-px CLIP)") Integer cellSize;
        @Option(names = "--t0", description = "positive threshold (with --t1; default: calibrated or the paper's 32)") Double t0;
        @Option(names = "--t1", description = "negative threshold (default: calibrated or the paper's 23)") Double t1;
        @Option(names = "--t2", description = "sentence threshold (default: Ds about as large as D+ and D-)") Double t2;
        @Option(names = "--calibrate", description = "given (default with --t0/--t1 or without labels), labels (needs --annotations), percentiles, rate") String calibrate;
        @Option(names = "--target-precision", defaultValue = "0.9", description = "for --calibrate labels (default: ${DEFAULT-VALUE})") double targetPrecision;
        @Option(names = "--percentiles", defaultValue = "10,90", split = ",", description = "low,high for --calibrate percentiles (default: ${DEFAULT-VALUE})") double[] percentiles;
        @Option(names = "--hallucination-rate", defaultValue = "0.2", description = "estimated hallucinated share for --calibrate rate (default: ${DEFAULT-VALUE})") double rate;
        @Option(names = "--share", defaultValue = "0.5", description = "share of each side's mass for --calibrate rate (default: ${DEFAULT-VALUE})") double share;
        @Option(names = "--granularity", defaultValue = "subsentence", description = "subsentence (EFUF), or for the vanilla-unlearning ablation whole sentences scored by the mean of their objects' scores (sentence) or by the lowest (sentence-lowest)") String granularity;
        @Option(names = "--sentence-min-above-t1", description = "authors' variant: Ds captions also need every object above T1") boolean minAboveT1;
        @Option(names = "--repeats", defaultValue = "kept",
                description = "a clause naming an object its caption already named: kept (the paper: judged by its score), left-out (no positive, and"
                        + " its caption no Ds sentence) or unlearned (left out, and made a negative) (default: ${DEFAULT-VALUE})")
        String repeats;
        @Option(names = "--separator-in-target", description = "a clause's target opens with the separator before it (\", a dog\"), so unlearning a"
                + " hallucinated clause also unlearns going on past the last real object; the paper's split leaves it in the context") boolean separatorInTarget;
        @Option(names = "--negative-ends-at-object", description = "a negative clause's target ends with its object (\", a bird\" of \", a bird in the"
                + " corner\"), so the ascent falls on going on and on the object, not on the words every clause shares") boolean negativeEndsAtObject;
        @Option(names = "--validation-share", defaultValue = "0.05", description = "held out by image (default: ${DEFAULT-VALUE})") double validationShare;
        @Option(names = "--oracle", description = "where --annotations cover an image, ground truth decides D+/D- instead of the score") boolean oracle;
        @Option(names = "--seed", defaultValue = "0", description = "validation split seed") long seed;

        ThresholdChoice thresholds(boolean labels) {
            String how = calibrate != null ? calibrate : t0 != null || t1 != null ? "given" : labels ? "labels" : "given";
            return switch (how) {
                case "given" -> new ThresholdChoice.Given(t0 == null ? 32 : t0, t1 == null ? 23 : t1, t2);
                case "labels" -> new ThresholdChoice.FromLabels(targetPrecision, t2);
                case "percentiles" -> {
                    if (percentiles.length != 2) throw new IllegalArgumentException("--percentiles takes low,high; got " + percentiles.length + " numbers");
                    yield new ThresholdChoice.FromPercentiles(percentiles[0], percentiles[1], t2);
                }
                case "rate" -> new ThresholdChoice.FromHallucinationRate(rate, share, t2);
                default -> throw new IllegalArgumentException("--calibrate must be given, labels, percentiles or rate; got " + how);
            };
        }

        DatasetFormation.Settings settings(boolean labels) {
            SampleSelector.Granularity g = switch (granularity) {
                case "subsentence" -> SampleSelector.Granularity.SUBSENTENCE;
                case "sentence" -> SampleSelector.Granularity.SENTENCE;
                case "sentence-lowest" -> SampleSelector.Granularity.SENTENCE_BY_LOWEST;
                default -> throw new IllegalArgumentException("--granularity must be subsentence, sentence or sentence-lowest, got " + granularity);
            };
            if (oracle && !labels) throw new IllegalArgumentException("--oracle needs --annotations (ground truth)");
            ThresholdChoice t = thresholds(labels);
            if (t instanceof ThresholdChoice.Given given) new org.efuf4j.efuf.dataset.ThresholdSet(given.t0(), given.t1(), 0); // T1 >= T0 fails here, before any captioning
            return new DatasetFormation.Settings(t, new SampleSelector.Options(g, minAboveT1, switch (repeats) {
                case "kept" -> SampleSelector.Repeats.KEPT;
                case "left-out" -> SampleSelector.Repeats.LEFT_OUT;
                case "unlearned" -> SampleSelector.Repeats.UNLEARNED;
                default -> throw new IllegalArgumentException("--repeats must be kept, left-out or unlearned, got " + repeats);
            }, separatorInTarget, negativeEndsAtObject), validationShare, seed, oracle, 0.5);
        }

    }
}

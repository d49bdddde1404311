package org.efuf4j.efuf.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.dataset.ScoreHistogram;
import org.efuf4j.efuf.dataset.ScoredCaption.ScoredMention;
import org.efuf4j.efuf.dataset.ScoredCaption;
import org.efuf4j.efuf.dataset.ThresholdCalibrator;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.efuf4j.efuf.dataset.UnlearningSample;
import org.efuf4j.efuf.dataset.ValidationSplit;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.objects.ObjectVocabulary;

/**
 * Stage 2 of dataset formation: from scored captions to D+, D- and Ds. Chooses the thresholds (given or
 * calibrated), selects the samples, holds out a validation share by image, and writes
 * {@code train/} and {@code validation/} JSONL files, {@code statistics.json}, and the score histogram
 * ({@code score-histogram.png}, {@code .csv}).
 */
public final class DatasetFormation {
    public static final String STATISTICS = "statistics.json";
    public static final List<String> KINDS = List.of("positive", "negative", "sentence");

    /**
     * @param oracle where an image has ground truth, its objects go to D+ if present and D- if absent, whatever
     *               their score (an upper bound on what a perfect scorer would give)
     */
    public record Settings(ThresholdChoice thresholds, SampleSelector.Options selection, double validationShare, long seed,
                           boolean oracle, double binWidth) {
        public Settings {
            if (!(validationShare >= 0 && validationShare < 1)) throw new IllegalArgumentException("validation share must be in [0, 1), got " + validationShare);
        }

        public static Settings paper() {
            return new Settings(ThresholdChoice.paper(), SampleSelector.Options.PAPER, 0.05, 0, false, 0.5);
        }
    }

    /** What was formed, as written to {@code statistics.json}. */
    public record Outcome(ThresholdSet thresholds, int train, int validation, SampleSelector.Selection selection, ObjectNode statistics) {}

    private DatasetFormation() {}

    public static Outcome form(List<CaptionRecord> records, ObjectVocabulary vocabulary, GroundTruth truth, Settings settings, Path outDir) {
        return form(records, vocabulary, truth, settings, outDir, null);
    }

    /** @param throughput how the captioning run went, kept in {@code statistics.json}; null when unknown */
    public static Outcome form(List<CaptionRecord> records, ObjectVocabulary vocabulary, GroundTruth truth, Settings settings, Path outDir,
                               Throughput throughput) {
        List<ScoredCaption> captions = new ArrayList<>();
        int skipped = 0;
        for (CaptionRecord r : records) {
            if (r.isSkipped()) skipped++;
            else captions.add(r.toScoredCaption(vocabulary, "captions record of " + r.image()));
        }
        List<LabelledScore> labelled = new ArrayList<>();
        List<Double> unlabelled = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        for (ScoredCaption c : captions) {
            var objects = truth == null ? null : truth.objects(ImageFolder.imageId(c.image())).orElse(null);
            for (ScoredMention m : c.mentions()) {
                all.add(m.score());
                if (objects != null) labelled.add(new LabelledScore(m.score(), objects.contains(m.mention().object())));
                else unlabelled.add(m.score());
            }
        }
        double[] scores = all.stream().mapToDouble(Double::doubleValue).toArray();
        if (scores.length == 0) throw new IllegalArgumentException("no object mentions in " + captions.size() + " captions: nothing to form a dataset from");

        ThresholdCalibrator.Calibration calibration = switch (settings.thresholds()) {
            case ThresholdChoice.Given g -> {
                new ThresholdSet(g.t0(), g.t1(), g.t0()); // validates T0 > T1 with a clear message
                yield null;
            }
            case ThresholdChoice.FromLabels l -> {
                if (labelled.isEmpty()) throw new IllegalArgumentException("calibrating from labels needs ground truth for some captioned images; none of the "
                        + captions.size() + " images has any (image ids are file names without extension)");
                yield ThresholdCalibrator.fromLabels(labelled, l.targetPrecision());
            }
            case ThresholdChoice.FromPercentiles p -> ThresholdCalibrator.fromPercentiles(scores, p.lowPercentile(), p.highPercentile());
            case ThresholdChoice.FromHallucinationRate h -> ThresholdCalibrator.fromHallucinationRate(scores, h.rate(), h.share());
        };
        double t0 = calibration == null ? ((ThresholdChoice.Given) settings.thresholds()).t0() : calibration.t0();
        double t1 = calibration == null ? ((ThresholdChoice.Given) settings.thresholds()).t1() : calibration.t1();
        List<ScoredCaption> selectable = settings.oracle() && truth != null ? oracle(captions, truth, t0, t1) : captions;
        ThresholdSet thresholds;
        String t2Source;
        if (settings.thresholds().t2() != null) {
            thresholds = new ThresholdSet(t0, t1, settings.thresholds().t2());
            t2Source = "given";
        } else {
            SampleSelector.Selection provisional = new SampleSelector(new ThresholdSet(t0, t1, Double.MAX_VALUE), settings.selection()).select(selectable);
            thresholds = new ThresholdSet(t0, t1, sizeMatchedT2(selectable, (provisional.positives().size() + provisional.negatives().size()) / 2, t0, t1));
            t2Source = "Ds about as large as the mean of D+ and D-";
        }
        SampleSelector.Selection sel = new SampleSelector(thresholds, settings.selection()).select(selectable);
        List<UnlearningSample> everything = new ArrayList<>(sel.positives());
        everything.addAll(sel.negatives());
        everything.addAll(sel.sentences());
        ValidationSplit.Split split = ValidationSplit.byImage(everything, settings.validationShare(), settings.seed());
        writeSets(outDir.resolve("train"), split.train());
        writeSets(outDir.resolve("validation"), split.validation());

        double[] unlabelledScores = unlabelled.stream().mapToDouble(Double::doubleValue).toArray();
        ScoreHistogram histogram = ScoreHistogram.of(labelled, unlabelledScores, settings.binWidth());
        AtomicFiles.writeString(outDir.resolve("score-histogram.csv"), histogram.toCsv());
        if (histogram.binCount() > 0) Figures.installed().scoreHistogram(histogram, thresholds, outDir.resolve("score-histogram.png"));

        ObjectNode stats = Json.MAPPER.createObjectNode();
        stats.put("granularity", settings.selection().granularity().recorded());
        stats.put("oracle", settings.oracle() && truth != null);
        stats.put("repeats", settings.selection().repeats().name().toLowerCase(Locale.ROOT));
        stats.put("separator_in_target", settings.selection().separatorInTarget());
        stats.put("negative_ends_at_object", settings.selection().negativeEndsAtObject());
        ObjectNode th = stats.putObject("thresholds");
        th.put("t0", thresholds.t0());
        th.put("t1", thresholds.t1());
        th.put("t2", thresholds.t2());
        th.put("t0_t1_source", settings.thresholds().getClass().getSimpleName());
        th.put("t2_source", t2Source);
        ObjectNode counts = stats.putObject("counts");
        counts.put("images", records.size());
        counts.put("skipped_images", skipped);
        counts.put("captions", captions.size());
        counts.put("empty_captions", (int) captions.stream().filter(c -> c.caption().isBlank()).count());
        counts.put("captions_without_objects", sel.captionsWithoutObjects());
        counts.put("mentions", scores.length);
        counts.put("nan_scores", sel.nanScores());
        counts.put("repeats_left_out", sel.repeatsLeftOut());
        counts.put("repeats_unlearned", sel.repeatsUnlearned());
        counts.put("labelled_mentions", labelled.size());
        counts.put("positive", sel.positives().size());
        counts.put("negative", sel.negatives().size());
        counts.put("sentence", sel.sentences().size());
        counts.put("train", split.train().size());
        counts.put("validation", split.validation().size());
        for (String kind : KINDS) {
            counts.put("train_" + kind, (int) split.train().stream().filter(s -> kindName(s).equals(kind)).count());
            counts.put("validation_" + kind, (int) split.validation().stream().filter(s -> kindName(s).equals(kind)).count());
        }
        ObjectNode dist = stats.putObject("scores");
        summary(dist.putObject("real"), histogram.presentSummary());
        summary(dist.putObject("hallucinated"), histogram.hallucinatedSummary());
        summary(dist.putObject("unlabelled"), histogram.unlabelledSummary());
        if (!labelled.isEmpty()) {
            ObjectNode q = stats.putObject("quality_on_labelled_mentions");
            quality(q.putObject("positive"), labelled, thresholds, true);
            quality(q.putObject("negative"), labelled, thresholds, false);
        }
        if (throughput != null) throughput.writeTo(stats.putObject("throughput"));
        AtomicFiles.write(outDir.resolve(STATISTICS), out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, stats));
        return new Outcome(thresholds, split.train().size(), split.validation().size(), sel, stats);
    }

    static String kindName(UnlearningSample s) {
        return switch (s.kind()) { case POSITIVE -> "positive"; case NEGATIVE -> "negative"; case SENTENCE -> "sentence"; };
    }

    /** Ground truth overrides the score: real objects move just above T0, hallucinated ones just below T1. */
    private static List<ScoredCaption> oracle(List<ScoredCaption> captions, GroundTruth truth, double t0, double t1) {
        List<ScoredCaption> out = new ArrayList<>(captions.size());
        for (ScoredCaption c : captions) {
            var objects = truth.objects(ImageFolder.imageId(c.image())).orElse(null);
            if (objects == null) { out.add(c); continue; }
            List<ScoredMention> ms = new ArrayList<>();
            for (ScoredMention m : c.mentions()) {
                boolean present = objects.contains(m.mention().object());
                double s = m.score();
                if (present && !(s > t0)) s = Math.nextUp(t0);
                if (!present && !(s < t1)) s = Math.nextDown(t1);
                ms.add(new ScoredMention(m.mention(), s));
            }
            out.add(new ScoredCaption(c.image(), c.caption(), ms));
        }
        return out;
    }

    private static double sizeMatchedT2(List<ScoredCaption> captions, int target, double t0, double t1) {
        List<Double> means = new ArrayList<>();
        for (ScoredCaption c : captions) {
            if (c.mentions().isEmpty()) continue;
            double sum = 0;
            for (ScoredMention m : c.mentions()) sum += m.score();
            if (Double.isFinite(sum)) means.add(sum / c.mentions().size());
        }
        if (means.size() < 2) return (t0 + t1) / 2; // too few captions to size Ds: the midpoint of the object thresholds
        int n = Math.max(1, Math.min(target, means.size() - 1));
        return ThresholdCalibrator.sentenceThreshold(means.stream().mapToDouble(Double::doubleValue).toArray(), n);
    }

    private static void quality(ObjectNode node, List<LabelledScore> labelled, ThresholdSet t, boolean positive) {
        int selected = 0, right = 0, relevant = 0;
        for (LabelledScore s : labelled) {
            boolean wanted = positive == s.present();
            boolean in = positive ? t.positive(s.score()) : t.negative(s.score());
            relevant += wanted ? 1 : 0;
            selected += in ? 1 : 0;
            right += in && wanted ? 1 : 0;
        }
        node.put("size", selected);
        putFinite(node, "precision", selected == 0 ? Double.NaN : (double) right / selected);
        putFinite(node, "recall", relevant == 0 ? Double.NaN : (double) right / relevant);
    }

    private static void summary(ObjectNode node, ScoreHistogram.Summary s) {
        node.put("count", s.count());
        putFinite(node, "mean", s.mean());
        putFinite(node, "std", s.std());
    }

    static void putFinite(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) node.put(key, v);
        else node.putNull(key);
    }

    private static void writeSets(Path dir, List<UnlearningSample> samples) {
        for (String kind : KINDS) {
            StringBuilder sb = new StringBuilder();
            for (UnlearningSample s : samples) {
                if (!kindName(s).equals(kind)) continue;
                try {
                    sb.append(Json.MAPPER.writeValueAsString(s)).append('\n');
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            AtomicFiles.writeString(dir.resolve(kind + ".jsonl"), sb.toString());
        }
    }
}

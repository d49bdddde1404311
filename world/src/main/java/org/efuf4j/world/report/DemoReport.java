package org.efuf4j.world.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.plots.Charts;
import org.efuf4j.world.demo.Demo;
import org.efuf4j.world.demo.Summary;

/**
 * The demo's report, {@code report.md} and {@code report.html}, rendered from its {@code metrics.json} alone: the
 * world, the base models, the paper's Figure 2 and Tables 1-3 on this world, training curves, a gallery of eval
 * images with hallucinated objects marked, and the acceptance criteria as computed.
 */
public final class DemoReport {
    public static final String MARKDOWN = "report.md", HTML = "report.html";
    public static final Map<String, String> MODEL_NAMES = modelNames();

    private DemoReport() {}

    private static Map<String, String> modelNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Demo.BASE, "Base captioner");
        m.put("vanilla", "Vanilla unlearning (sentence-level)");
        m.put("no_sentence", "Fine-grained, no sentence loss");
        m.put("sentence_only", "Sentence loss only");
        m.put("efuf", "EFUF");
        return m;
    }

    public static void write(JsonNode metrics, Path outDir) {
        unlearningCurves(metrics, outDir);
        Document doc = build(metrics);
        AtomicFiles.writeString(outDir.resolve(MARKDOWN), doc.markdown());
        AtomicFiles.writeString(outDir.resolve(HTML), doc.html());
    }

    private static void unlearningCurves(JsonNode metrics, Path outDir) {
        JsonNode training = metrics.path("seeds").path(0).path("training");
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String v : Demo.VARIANTS.keySet()) {
            JsonNode loss = training.path(v).path("loss");
            if (!loss.isArray() || loss.isEmpty()) continue;
            double[] l = new double[loss.size()];
            for (int i = 0; i < l.length; i++) l[i] = loss.get(i).asDouble();
            series.put(v, l);
        }
        Charts.curvesFromStepOne("Unlearning loss L per step (seed 1)", series, outDir.resolve("plots/unlearning-losses.png"));
    }

    /** Paragraphs separated by blank lines: what was tried on the world and what made a difference. */
    static final String FINDINGS = "world-findings.txt";

    static Document build(JsonNode m) {
        Document d = new Document();
        JsonNode settings = m.path("settings"), world = m.path("world"), bm = m.path("base_models"), summary = m.path("summary");
        d.heading(1, "EFUF on the embedded synthetic world");
        d.paragraph(String.format(Locale.ROOT, "%s run, %d seed(s), device %s, total %.1f s (world %.1f s, base models %.1f s%s, formation %.1f s, unlearning %.1f s, evaluation %.1f s).",
                settings.path("quick").asBoolean() ? "Quick (CI)" : "Standard", settings.path("seeds").asInt(), settings.path("device").asText(),
                m.path("timings").path("total_s").asDouble(), m.path("timings").path("world_s").asDouble(), m.path("timings").path("base_models_s").asDouble(),
                m.path("base_models_cached").asBoolean() ? ", cached" : ", trained now", m.path("timings").path("formation_s").asDouble(),
                m.path("timings").path("unlearning_s").asDouble(), m.path("timings").path("evaluation_s").asDouble()));

        d.heading(2, "World");
        d.table(List.of("property", "value"), List.of(
                List.of("categories", world.path("categories").asText()),
                List.of("training / eval images", world.path("train_images").asText() + " / " + world.path("eval_images").asText()),
                List.of("configured rate of training captions with an absent object", pct(world.path("configured_hallucination_rate"))),
                List.of("realised share of training captions naming an absent object", pct(world.path("training_caption_hallucination_rate"))),
                List.of("hallucination-mention rate (absent mentions / all mentions in training captions)", pct(world.path("training_mention_hallucination_rate"))),
                List.of("world configuration", settings.path("world").asText())));
        d.image("plots/world-sample.png", "World sample");

        d.heading(2, "Base models");
        d.table(List.of("measure", "value"), List.of(
                List.of("captioner CHAIR_s / CHAIR_i (greedy, " + bm.path("captions").asText() + " eval images)", pct(bm.path("chairS")) + " / " + pct(bm.path("chairI"))),
                List.of("captioner recall / mentions per caption", pct(bm.path("recall")) + " / " + num(bm.path("mentionsPerCaption"), 2)),
                List.of("scorer AUC on the captioner's mentions (present vs hallucinated)", num(bm.path("scorerAuc"), 3) + " (" + bm.path("presentMentions").asText()
                        + " present, " + bm.path("hallucinatedMentions").asText() + " hallucinated)"),
                List.of("scorer AUC, present objects vs absent group-mates", num(bm.path("scorerGroupMateAuc"), 3)),
                List.of("captioner probe AUC (evidence in its own visual features)", num(bm.path("probeAuc"), 3)),
                List.of("training seconds scorer / captioner (when trained)", num(bm.path("scorerTrainSeconds"), 1) + " / " + num(bm.path("captionerTrainSeconds"), 1)),
                List.of("scorer", settings.path("scorer").asText()),
                List.of("captioner", settings.path("captioner").asText())));
        d.image("plots/base-training.png", "Base model training losses");

        d.heading(2, "Dataset formation and thresholds");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode s : m.path("seeds")) {
            JsonNode f = s.path("formation"), c = f.path("dataset").path("counts"), cv = f.path("vanilla_dataset").path("counts");
            rows.add(List.of(s.path("seed").asText(), f.path("images").asText(), f.path("labelled_images").asText(), f.path("mentions").asText(),
                    num(f.path("thresholds").path("t0"), 2), num(f.path("thresholds").path("t1"), 2), num(f.path("thresholds").path("t2"), 2),
                    c.path("positive").asText() + " / " + c.path("negative").asText() + " / " + c.path("sentence").asText(),
                    cv.path("positive").asText() + " / " + cv.path("negative").asText() + " / " + cv.path("sentence").asText(),
                    num(f.path("scorer_auc"), 3), f.path("threshold_source").asText()));
        }
        d.paragraph("Thresholds are calibrated on the mentions of a small labelled share of the formation images (target precision "
                + settings.path("target_precision").asText() + "); T2 makes Ds about as large as the mean of D+ and D-.");
        d.table(List.of("seed", "images", "labelled images", "mentions", "T0", "T1", "T2", "D+ / D- / Ds", "vanilla D+ / D- / Ds", "scorer AUC", "threshold source"), rows);

        d.heading(2, "Figure 2: scores of present vs hallucinated mentions");
        rows = new ArrayList<>();
        for (JsonNode s : m.path("seeds")) {
            JsonNode sc = s.path("formation").path("scores");
            rows.add(List.of(s.path("seed").asText(), sc.path("present").path("count").asText(), num(sc.path("present").path("mean"), 2) + " ± " + num(sc.path("present").path("std"), 2),
                    sc.path("hallucinated").path("count").asText(), num(sc.path("hallucinated").path("mean"), 2) + " ± " + num(sc.path("hallucinated").path("std"), 2),
                    num(sc.path("overlap"), 3)));
        }
        d.table(List.of("seed", "present", "present mean ± std", "hallucinated", "hallucinated mean ± std", "overlap"), rows);
        d.image("plots/figure2-scores.png", "Figure 2 on the world (seed 1)");

        d.heading(2, "Table 1: how clean the thresholds' tails are");
        rows = new ArrayList<>();
        for (JsonNode s : m.path("seeds")) {
            JsonNode t = s.path("formation").path("scores").path("table1");
            rows.add(List.of(s.path("seed").asText(), t.path("above_t0").asText(), t.path("above_t0_hallucinated").asText(), pct(t.path("above_t0_hallucinated_share")),
                    t.path("below_t1").asText(), t.path("below_t1_present").asText(), pct(t.path("below_t1_present_share"))));
        }
        d.table(List.of("seed", "above T0", "of them hallucinated", "share", "below T1", "of them present", "share"), rows);

        d.heading(2, "Table 2: base vs EFUF");
        d.paragraph("Mean ± standard deviation over seeds; percentages for CHAIR, recall and POPE F1.");
        d.table(header("model", List.of("chair_s", "chair_i", "pope_random_f1", "pope_popular_f1", "pope_adversarial_f1", "bleu_1", "bleu_2", "bleu_4", "perplexity", "recall")),
                modelRows(summary, List.of(Demo.BASE, "efuf"), List.of("chair_s", "chair_i", "pope_random_f1", "pope_popular_f1", "pope_adversarial_f1", "bleu_1", "bleu_2", "bleu_4", "perplexity", "recall")));

        d.heading(2, "Table 3: ablations");
        List<String> t3 = List.of("chair_s", "chair_i", "bleu_1", "perplexity", "recall", "objects_per_caption", "repeating_object_share", "unterminated_share");
        d.table(header("model", t3), modelRows(summary, new ArrayList<>(MODEL_NAMES.keySet()), t3));
        rows = new ArrayList<>();
        for (JsonNode s : m.path("seeds")) {
            for (String v : Demo.VARIANTS.keySet()) {
                JsonNode tr = s.path("training").path(v);
                rows.add(List.of(s.path("seed").asText(), MODEL_NAMES.get(v), tr.path("status").asText("-"), tr.path("steps").asText("-"), num(tr.path("seconds"), 1)));
            }
        }
        d.table(List.of("seed", "variant", "status", "steps", "seconds"), rows);

        d.heading(2, "Training curves");
        d.image("plots/unlearning-losses.png", "Unlearning losses");

        d.heading(2, "Gallery: held-out images, captions before and after EFUF");
        d.paragraph("Hallucinated objects (named but absent) are marked.");
        for (JsonNode g : m.path("gallery")) {
            List<String> objects = new ArrayList<>();
            g.path("objects").forEach(o -> objects.add(o.asText()));
            d.galleryItem(g.path("thumbnail").asText(), "image " + g.path("image").asText() + " — present: " + String.join(", ", objects),
                    caption(g.path("captions").path(Demo.BASE)), caption(g.path("captions").path("efuf")));
        }

        d.heading(2, "Acceptance");
        rows = new ArrayList<>();
        int held = 0, all = 0;
        for (JsonNode a : m.path("acceptance")) {
            all++;
            held += a.path("holds").asBoolean() ? 1 : 0;
            rows.add(List.of(a.path("criterion").asText(), a.path("measure").asText(), num(a.path("value"), 4), num(a.path("spread"), 4),
                    a.path("seeds_holding").asInt() + "/" + a.path("per_seed").size(), a.path("bound").asText(),
                    a.path("holds").asBoolean() ? "holds" : "DOES NOT HOLD"));
        }
        d.paragraph(held + " of " + all + " criteria hold on this run (computed from the seed means above"
                + (settings.path("quick").asBoolean() ? "; a quick run checks the machinery, not the effect sizes" : "") + ").");
        d.table(List.of("criterion", "measure", "value (seed mean)", "std over seeds", "seeds holding", "bound", "result"), rows);

        d.heading(2, "Analysis");
        List<String> failing = new ArrayList<>();
        for (JsonNode a : m.path("acceptance")) if (!a.path("holds").asBoolean()) failing.add(a.path("text").asText());
        d.paragraph(String.format(Locale.ROOT, "On this run the scorer tells the captioner's present mentions from its hallucinated ones at AUC %s and the captioner's"
                        + " own projected features tell present from absent group-mates at probe AUC %s; %d of %d acceptance criteria hold on the seed means.%s",
                num(bm.path("scorerAuc"), 3), num(bm.path("probeAuc"), 3), held, all,
                failing.isEmpty() ? "" : " Not holding: " + String.join("; ", failing) + "."));
        for (String paragraph : findings()) d.paragraph(paragraph);
        return d;
    }

    /** What the development of this world measured (the standing research notes, not numbers of this run). */
    static List<String> findings() {
        try (var in = DemoReport.class.getResourceAsStream(FINDINGS)) {
            if (in == null) throw new IllegalStateException("the report's findings resource " + FINDINGS + " is missing from the build");
            List<String> out = new ArrayList<>();
            for (String p : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\n\\s*\\n"))
                if (!p.isBlank()) out.add(p.strip().replaceAll("\\s*\\n\\s*", " "));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + FINDINGS, e);
        }
    }

    private static Document.Caption caption(JsonNode c) {
        if (c.isMissingNode()) return null;
        List<int[]> spans = new ArrayList<>();
        for (JsonNode h : c.path("hallucinated")) spans.add(new int[] {h.path("start").asInt(), h.path("end").asInt()});
        return new Document.Caption(c.path("text").asText(), spans);
    }

    private static List<String> header(String first, List<String> keys) {
        List<String> h = new ArrayList<>();
        h.add(first);
        for (String k : keys) for (Summary.Metric mt : Summary.METRICS) if (mt.key().equals(k)) h.add(mt.label());
        return h;
    }

    private static List<List<String>> modelRows(JsonNode summary, List<String> models, List<String> keys) {
        List<List<String>> rows = new ArrayList<>();
        for (String model : models) {
            List<String> row = new ArrayList<>();
            row.add(MODEL_NAMES.get(model));
            for (String k : keys) {
                Summary.Metric mt = Summary.METRICS.stream().filter(x -> x.key().equals(k)).findFirst().orElseThrow();
                JsonNode s = summary.path(model).path(k);
                JsonNode mean = s.get("mean"), std = s.get("std");
                if (mean == null || mean.isNull()) { row.add("n/a"); continue; }
                double f = mt.percent() ? 100 : 1;
                String text = String.format(Locale.ROOT, "%.2f", f * mean.asDouble());
                if (summary.path(model).path("runs").asInt() > 1 && std != null && !std.isNull()) text += String.format(Locale.ROOT, " ± %.2f", f * std.asDouble());
                row.add(text);
            }
            rows.add(row);
        }
        return rows;
    }

    private static String pct(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v.asDouble());
    }

    private static String num(JsonNode v, int digits) {
        return v == null || v.isNull() || v.isMissingNode() ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v.asDouble());
    }
}

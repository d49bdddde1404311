package org.efuf4j.world.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.tensor.Device;
import org.efuf4j.world.report.DemoReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reduced demo ({@code efuf demo --quick}) end to end from an empty cache: every artefact is written, and its
 * numbers are present, finite, in range and consistent with each other and with the files they were computed from.
 * The effect sizes are not asserted: a tiny world trained for seconds checks the machinery, not the method.
 */
class QuickDemoTest {
    @TempDir static Path cache;
    @TempDir static Path out;
    static JsonNode metrics;
    static final List<String> log = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // a guard against a hang, not a speed measurement
    static void runOnce() throws Exception {
        new Demo(DemoSettings.reduced(), cache, out, Device.CPU, line -> {
            log.add(line);
            System.out.println(line);
        }).run();
        metrics = Json.MAPPER.readTree(out.resolve(Demo.METRICS).toFile());
    }

    @Test void everyArtefactIsWritten() {
        for (String f : List.of("report.html", "report.md", "metrics.json", "plots/world-sample.png", "plots/base-training.png",
                "plots/figure2-scores.png", "plots/unlearning-losses.png", "seed-1/formation/captions.jsonl",
                "seed-1/formation/dataset/train/negative.jsonl", "seed-1/formation/dataset-vanilla/train/negative.jsonl",
                "seed-1/unlearn/efuf/model/config.json", "seed-1/unlearn/efuf/model/model.safetensors", "seed-1/unlearn/efuf/loss.jsonl",
                "eval/base/captions.jsonl", "seed-1/eval/efuf/metrics.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
        assertTrue(metrics.path("gallery").size() > 0, "gallery entries");
        for (JsonNode g : metrics.path("gallery")) assertTrue(Files.isRegularFile(out.resolve(g.path("thumbnail").asText())), "thumbnail " + g);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[7/7]")), "progress through all stages: " + log);
    }

    @Test void everyModelIsEvaluatedWithConsistentNumbers() {
        List<JsonNode> evals = new ArrayList<>(List.of(metrics.get(Demo.BASE)));
        for (String v : Demo.VARIANTS.keySet()) {
            JsonNode e = metrics.path("seeds").path(0).path("variants").get(v);
            assertTrue(e != null, "variant " + v + " evaluated; training: " + metrics.path("seeds").path(0).path("training").path(v));
            evals.add(e);
        }
        int evalImages = metrics.path("world").path("eval_images").asInt();
        for (JsonNode e : evals) {
            assertEquals(evalImages, e.path("captions").asInt(), "captions of " + e.path("model"));
            int mentions = e.path("object_mentions").asInt(), hallucinated = e.path("hallucinated_mentions").asInt();
            assertTrue(hallucinated >= 0 && hallucinated <= mentions, e.toString());
            probability(e, "chair_s");
            probability(e, "chair_i");
            probability(e, "chair_recall");
            if (mentions > 0) assertEquals((double) hallucinated / mentions, e.path("chair_i").asDouble(), 1e-12, "CHAIR_i = hallucinated / mentions");
            assertEquals(hallucinated > 0, e.path("chair_s").asDouble() > 0, "a caption hallucinates iff some mention is hallucinated");
            for (String split : List.of("random", "popular", "adversarial")) {
                JsonNode p = e.path("pope").path(split);
                assertTrue(p.path("questions").asInt() > 0, split);
                probability(p, "f1");
                probability(p, "accuracy");
                probability(p, "yes_ratio");
            }
            for (String b : List.of("bleu_1", "bleu_2", "bleu_4")) {
                double v = e.path(b).asDouble(Double.NaN);
                assertTrue(v >= 0 && v <= 100, b + " = " + v);
            }
            assertTrue(e.path("bleu_1").asDouble() >= e.path("bleu_4").asDouble(), "BLEU-1 >= BLEU-4");
            double ppl = e.path("perplexity").asDouble(Double.NaN);
            assertTrue(Double.isFinite(ppl) && ppl >= 1, "perplexity " + ppl);
            probability(e, "repeating_object_share");
            probability(e, "unterminated_share");
            assertTrue(e.path("objects_per_caption").asDouble(-1) >= 0);
        }
    }

    @Test void formationCountsAddUpAndThresholdsAreOrdered() {
        JsonNode f = metrics.path("seeds").path(0).path("formation");
        JsonNode t = f.path("thresholds");
        assertTrue(t.path("t0").asDouble() > t.path("t1").asDouble(), "T0 > T1: " + t);
        for (String ds : List.of("dataset", "vanilla_dataset")) {
            JsonNode c = f.path(ds).path("counts");
            assertEquals(c.path("positive").asInt() + c.path("negative").asInt() + c.path("sentence").asInt(),
                    c.path("train").asInt() + c.path("validation").asInt(), ds + " counts: " + c);
        }
        assertEquals(f.path("dataset").path("thresholds").path("t0").asDouble(), f.path("vanilla_dataset").path("thresholds").path("t0").asDouble(),
                "the vanilla dataset uses the same thresholds");
        JsonNode s = f.path("scores");
        assertEquals(f.path("mentions").asInt(), s.path("present").path("count").asInt() + s.path("hallucinated").path("count").asInt(),
                "every scored mention is present or hallucinated");
        JsonNode t1 = s.path("table1");
        assertTrue(t1.path("above_t0_hallucinated").asInt() <= t1.path("above_t0").asInt());
        assertTrue(t1.path("below_t1_present").asInt() <= t1.path("below_t1").asInt());
        double overlap = s.path("overlap").asDouble(Double.NaN);
        assertTrue(overlap >= 0 && overlap <= 1 + 1e-9, "overlap " + overlap);
        double auc = f.path("scorer_auc").asDouble(Double.NaN);
        assertTrue(auc >= 0 && auc <= 1, "scorer AUC " + auc);
        double rate = metrics.path("world").path("training_mention_hallucination_rate").asDouble(Double.NaN);
        assertTrue(rate > 0 && rate < 1, "the world's training captions name absent objects at some rate: " + rate);
    }

    @Test void summaryAndAcceptanceFollowFromTheRuns() {
        JsonNode summary = metrics.path("summary");
        for (String model : DemoReport.MODEL_NAMES.keySet()) {
            for (Summary.Metric m : Summary.METRICS) {
                JsonNode mean = summary.path(model).path(m.key()).get("mean");
                assertTrue(mean != null && mean.isNumber() && Double.isFinite(mean.asDouble()), model + " " + m.key() + " mean: " + mean);
            }
        }
        assertEquals(metrics.path(Demo.BASE).path("chair_s").asDouble(), Summary.mean(summary, Demo.BASE, "chair_s"), 0);
        assertEquals(metrics.path("seeds").path(0).path("variants").path("efuf").path("bleu_1").asDouble(), Summary.mean(summary, "efuf", "bleu_1"), 1e-12);
        JsonNode acceptance = metrics.path("acceptance");
        assertEquals(9, acceptance.size());
        JsonNode chairS = acceptance.get(0);
        double base = Summary.mean(summary, Demo.BASE, "chair_s"), efuf = Summary.mean(summary, "efuf", "chair_s");
        if (base > 0) {
            assertEquals((base - efuf) / base, chairS.path("value").asDouble(), 1e-12);
            assertEquals((base - efuf) / base >= 0.15, chairS.path("holds").asBoolean());
            // one seed: its own value is the mean, and a spread needs two
            assertEquals(1, chairS.path("per_seed").size());
            assertEquals(chairS.path("value").asDouble(), chairS.path("per_seed").get(0).asDouble(), 1e-12);
            assertTrue(chairS.path("spread").isNull(), "no spread from one seed: " + chairS);
        } else assertFalse(chairS.path("holds").asBoolean(), "undefined relative drop does not hold");
    }

    @Test void reportHoldsEveryTableRowAndMarksHallucinations() throws Exception {
        String md = Files.readString(out.resolve("report.md")), html = Files.readString(out.resolve("report.html"));
        for (String heading : List.of("Figure 2", "Table 1", "Table 2", "Table 3", "Gallery", "Acceptance", "World", "Base models", "Analysis")) {
            assertTrue(md.contains(heading), "markdown section " + heading);
            assertTrue(html.contains(heading), "html section " + heading);
        }
        for (String name : DemoReport.MODEL_NAMES.values()) assertTrue(md.contains("| " + name + " |"), "Table 3 row " + name);
        for (JsonNode a : metrics.path("acceptance")) assertTrue(md.contains(a.path("criterion").asText()), "acceptance row " + a.path("criterion"));
        int marked = 0;
        for (JsonNode g : metrics.path("gallery")) {
            Set<String> present = new HashSet<>();
            g.path("objects").forEach(o -> present.add(o.asText()));
            for (JsonNode c : g.path("captions")) {
                for (JsonNode h : c.path("hallucinated")) {
                    String text = c.path("text").asText();
                    assertTrue(h.path("end").asInt() > h.path("start").asInt() && h.path("end").asInt() <= text.length(), h.toString());
                    assertFalse(present.contains(h.path("object").asText()), "a marked object is absent from the image: " + h);
                    marked++;
                }
            }
        }
        assertEquals(marked, count(html, "<mark>"), "every hallucinated mention in the gallery is marked in the HTML");
        assertTrue(html.contains("<img src=\"plots/figure2-scores.png\""));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static void probability(JsonNode n, String key) {
        double v = n.path(key).asDouble(Double.NaN);
        assertTrue(v >= 0 && v <= 1, key + " = " + v + " in " + n);
    }
}

package org.efuf4j.world.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import java.util.stream.IntStream;

import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.ObjectHallucinations;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.tensor.Device;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
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
    static DemoMetrics returned, metrics;
    static final List<String> log = new ArrayList<>();
    static final ObjectExtractor EXTRACTOR = new ObjectExtractor(ObjectVocabulary.coco());

    @BeforeAll
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // a guard against a hang, not a speed measurement
    static void runOnce() {
        returned = new Demo(DemoSettings.reduced(), cache, out, Device.CPU, line -> {
            log.add(line);
            System.out.println(line);
        }).run();
        metrics = DemoMetrics.read(out.resolve(Demo.METRICS));
    }

    @Test void metricsFileHoldsWhatTheRunReturned() throws Exception {
        assertEquals(DemoMetrics.MAPPER.writeValueAsString(returned), DemoMetrics.MAPPER.writeValueAsString(metrics));
        assertFalse(Files.readString(out.resolve(Demo.METRICS)).contains("NaN"), "undefined figures are written as null");
    }

    /** The per-object figures add up to the totals counted without them, in the file as read back. */
    @Test void perObjectFiguresAddUpToTheTotals() {
        for (DemoMetrics.SeedRun s : metrics.seeds()) {
            DemoMetrics.Formation f = s.formation();
            assertEquals(f.scores().present(), f.objects().stream().mapToInt(ObjectLabels::present).sum(), "present mentions, seed " + s.seed());
            assertEquals(f.scores().hallucinated(), f.objects().stream().mapToInt(ObjectLabels::hallucinated).sum(), "hallucinated, seed " + s.seed());
            assertEquals(f.scores().belowT1() - f.scores().belowT1Present(), f.objects().stream().mapToInt(ObjectLabels::hallucinatedBelowT1).sum(),
                    "hallucinated below T1, seed " + s.seed());
            assertEquals(f.scores().aboveT0Hallucinated(), f.objects().stream().mapToInt(ObjectLabels::hallucinatedAboveT0).sum(),
                    "hallucinated above T0, seed " + s.seed());
        }
        for (String model : List.of(Variant.BASE, Variant.EFUF)) {
            for (ModelEvaluation e : metrics.evaluations(model)) {
                assertEquals(e.hallucinatedMentions(), e.objects().byObject().values().stream().mapToInt(ObjectHallucinations.Count::hallucinated).sum(), model);
                assertEquals(e.objectMentions(), e.objects().byObject().values().stream().mapToInt(ObjectHallucinations.Count::mentions).sum(), model);
            }
        }
        List<ObjectUnlearning> rows = ObjectUnlearning.of(metrics, Variant.EFUF);
        assertEquals(metrics.base().hallucinatedMentions(), rows.stream().mapToInt(ObjectUnlearning::base).sum(), "every hallucinated object has a row");
        for (int i = 1; i < rows.size(); i++) assertTrue(rows.get(i - 1).base() >= rows.get(i).base(), "most hallucinated first");
    }

    @Test void everyArtefactIsWritten() {
        for (String f : List.of("report.html", "report.md", "metrics.json", "plots/world-sample.png", "plots/base-training.png",
                "plots/figure2-scores.png", "plots/unlearning-losses.png", "plots/clause-positions.png", "plots/validation-efuf.png",
                "seed-1/formation/captions.jsonl", "seed-1/formation/dataset/train/negative.jsonl", "seed-1/formation/dataset-vanilla/train/negative.jsonl", "seed-1/formation/dataset-oracle/train/negative.jsonl",
                "seed-1/unlearn/efuf/model/config.json", "seed-1/unlearn/efuf/model/model.safetensors", "seed-1/unlearn/efuf/loss.jsonl",
                "seed-1/unlearn/efuf/" + UnlearningTrainer.STOPPED_MODEL_DIR + "/config.json", "eval/base/captions.jsonl", "seed-1/eval/efuf/metrics.json",
                "seed-1/eval/" + Variant.EFUF_STOPPED + "/metrics.json", "seed-1/eval/efuf_paper/metrics.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
        assertFalse(metrics.gallery().isEmpty(), "gallery entries");
        for (DemoMetrics.GalleryItem g : metrics.gallery()) assertTrue(Files.isRegularFile(out.resolve(g.thumbnail())), "thumbnail " + g);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[7/7]")), "progress through all stages: " + log);
    }

    @Test void everyModelIsEvaluatedWithConsistentNumbers() {
        DemoMetrics.SeedRun seed = metrics.seeds().getFirst();
        assertEquals(Variant.ALL.stream().map(Variant::key).toList(), List.copyOf(seed.variants().keySet()), "every variant runs on seed 1");
        List<ModelEvaluation> evals = new ArrayList<>();
        for (String model : Variant.models()) {
            ModelEvaluation e = model.equals(Variant.BASE) ? metrics.base() : seed.evaluation(model);
            assertNotNull(e, "model " + model + " evaluated; training: " + seed.variants());
            evals.add(e);
        }
        World world = World.generate(DemoSettings.reduced().world());
        GroundTruth truth = world.groundTruth(Split.EVAL);
        int objects = 0;
        for (String id : truth.imageIds()) objects += truth.require(id, "test").size();
        for (ModelEvaluation e : evals) {
            assertEquals(metrics.world().evalImages(), e.captions());
            assertTrue(e.hallucinatedMentions() >= 0 && e.hallucinatedMentions() <= e.objectMentions(), e.toString());
            probability(e.chairS(), "CHAIR_s");
            probability(e.chairI(), "CHAIR_i");
            probability(e.recall(), "recall");
            if (e.objectMentions() > 0) assertEquals((double) e.hallucinatedMentions() / e.objectMentions(), e.chairI(), 1e-12, "CHAIR_i = hallucinated / mentions");
            assertEquals(e.hallucinatedMentions() > 0, e.chairS() > 0, "a caption hallucinates iff some mention is hallucinated");
            // every mention and every hallucinated one sits in exactly one clause
            assertEquals(e.objectMentions(), IntStream.of(e.clauses().mentionsByClause()).sum());
            assertEquals(e.hallucinatedMentions(), IntStream.of(e.clauses().hallucinatedByClause()).sum());
            assertTrue(e.clauses().hallucinatedInLast() <= e.clauses().mentionsInLast());
            // the size split covers every present object of the held-out images, the same split for every model
            assertEquals(objects, e.smallObjects() + e.largeObjects(), "small + large objects");
            assertEquals(metrics.base().smallBelow(), e.smallBelow());
            assertTrue(e.smallObjects() > 0 && e.largeObjects() > 0);
            probability(e.recallSmall(), "small recall");
            probability(e.recallLarge(), "large recall");
            double pooled = (e.recallSmall() * e.smallObjects() + e.recallLarge() * e.largeObjects()) / objects;
            assertEquals(e.recall(), pooled, 1e-9, "recall pools the small and the large objects' recall");
            for (String split : ModelEvaluation.POPE_SPLITS) {
                ModelEvaluation.Pope p = e.pope().get(split);
                assertEquals(6 * metrics.settings().popeImages(), p.questions(), split + ": 3 present and 3 absent objects of each image POPE asks about");
                probability(p.f1(), "F1");
                probability(p.accuracy(), "accuracy");
                probability(p.yesRatio(), "yes ratio");
            }
            for (double b : new double[] {e.bleu1(), e.bleu2(), e.bleu4()}) assertTrue(b >= 0 && b <= 100, "BLEU " + b);
            assertTrue(e.bleu1() >= e.bleu4(), "BLEU-1 >= BLEU-4");
            assertTrue(Double.isFinite(e.perplexity()) && e.perplexity() >= 1, "perplexity " + e.perplexity());
            probability(e.repeatingShare(), "repeating");
            probability(e.unterminatedShare(), "unterminated");
            assertTrue(e.objectsPerCaption() >= 0);
        }
    }

    @Test void validationScheduleChoosesAMeasuredStepWithinTheRecallLimit() throws Exception {
        DemoMetrics.Training t = metrics.seeds().getFirst().variants().get(Variant.EFUF).training();
        assertTrue(t.trained(), t.status());
        assertFalse(t.validation().isEmpty());
        assertEquals(0, t.validation().getFirst().step(), "the starting model is measured");
        assertEquals(t.steps(), t.validation().getLast().step(), "the last step is measured");
        var chosen = t.validation().stream().filter(p -> p.step() == t.stoppedAtStep()).findFirst().orElseThrow();
        assertTrue(chosen.recall() >= t.validation().getFirst().recall() - metrics.settings().recallLimit() - 1e-12, "chosen within the recall limit");
        for (var p : t.validation())
            if (p.recall() >= t.validation().getFirst().recall() - metrics.settings().recallLimit()) assertTrue(chosen.chairS() <= p.chairS(), "lowest CHAIR_s");
        assertTrue(metrics.seeds().getFirst().variants().get("vanilla").training().validation().isEmpty(), "only EFUF is validated");
        // the quick run's validation schedule goes on to two passes over D-: every negative drawn twice, the other sets as often
        var negatives = t.draws().get("negative");
        assertEquals(2, metrics.settings().validationPasses());
        assertEquals(lines(out.resolve("seed-1/formation/dataset/train/negative.jsonl")), negatives.size(), "D- as formed (its training split)");
        assertEquals(2L * negatives.size(), t.steps());
        assertEquals(t.steps(), negatives.drawn());
        assertEquals(negatives.size(), negatives.distinct());
        assertEquals(t.steps(), t.draws().get("positive").drawn());
        assertTrue(Files.readString(out.resolve("report.md")).contains("goes on past the paper's last step to 2 passes over D-"), "the report says so");
    }

    /** The demo's negatives end at their object; positives keep their whole clause, so some run on past theirs. */
    @Test void negativeTargetsEndAtTheirObject() throws Exception {
        var negatives = org.efuf4j.efuf.dataset.DatasetFiles.read(out.resolve("seed-1/formation/dataset/train/negative.jsonl"));
        assertFalse(negatives.isEmpty());
        for (var n : negatives) assertTrue(n.target().endsWith(n.object()), n.target() + " / " + n.object());
        var positives = org.efuf4j.efuf.dataset.DatasetFiles.read(out.resolve("seed-1/formation/dataset/train/positive.jsonl"));
        assertTrue(positives.stream().anyMatch(p -> !p.target().endsWith(p.object())), "positives are whole clauses");
        assertTrue(metrics.settings().negativeEndsAtObject(), "the run records its choice");
    }

    /** The oracle dataset's negatives are exactly the hallucinated mentions of the formation captions, by the world's truth. */
    @Test void oracleLabelsFollowTheWorldsTruth() throws Exception {
        World world = World.generate(DemoSettings.reduced().world());
        GroundTruth truth = world.groundTruth(Split.TRAIN);
        int negatives = 0, positives = 0;
        for (String kind : List.of("train", "validation")) {
            for (String set : List.of("negative", "positive")) {
                Path f = out.resolve("seed-1/formation/dataset-oracle/" + kind + "/" + set + ".jsonl");
                if (!Files.exists(f)) continue;
                for (var sample : org.efuf4j.efuf.dataset.DatasetFiles.read(f)) {
                    String id = org.efuf4j.efuf.pipeline.ImageFolder.imageId(sample.image());
                    // the sample names the object as the caption did (a synonym perhaps): its category is what the extractor reads
                    var mentions = EXTRACTOR.extract(sample.object());
                    assertEquals(1, mentions.size(), sample.toString());
                    boolean present = truth.require(id, "test").contains(mentions.getFirst().object());
                    assertEquals(set.equals("positive"), present, set + " sample " + sample);
                    if (present) positives++; else negatives++;
                }
            }
        }
        assertTrue(negatives > 0 && positives > 0, "oracle D+ " + positives + ", D- " + negatives);
        assertEquals(metrics.seeds().getFirst().formation().oracleDataset().negative(), negatives);
    }

    @Test void formationCountsAddUpAndThresholdsAreOrdered() {
        DemoMetrics.Formation f = metrics.seeds().getFirst().formation();
        assertTrue(f.thresholds().t0() > f.thresholds().t1(), "T0 > T1: " + f.thresholds());
        for (DemoMetrics.SetCounts c : List.of(f.dataset(), f.vanillaDataset(), f.oracleDataset()))
            assertEquals(c.positive() + c.negative() + c.sentence(), c.train() + c.validation(), "counts: " + c);
        var s = f.scores();
        assertEquals(f.mentions(), s.present() + s.hallucinated(), "every scored mention is present or hallucinated");
        assertTrue(s.aboveT0Hallucinated() <= s.aboveT0());
        assertTrue(s.belowT1Present() <= s.belowT1());
        assertTrue(s.overlap() >= 0 && s.overlap() <= 1 + 1e-9, "overlap " + s.overlap());
        probability(f.scorerAuc(), "scorer AUC");
        double rate = metrics.world().trainingMentionHallucinationRate();
        assertTrue(rate > 0 && rate < 1, "the world's training captions name absent objects at some rate: " + rate);
    }

    @Test void summaryAndAcceptanceFollowFromTheRuns() {
        for (String model : Variant.models()) {
            Summary.ModelSummary s = metrics.summary().get(model);
            assertNotNull(s, model);
            for (String key : List.of("chair_s", "chair_i", "recall", "bleu_1", "perplexity"))
                assertTrue(Double.isFinite(s.mean(key)), model + " " + key);
        }
        assertEquals(metrics.base().chairS(), metrics.summary().get(Variant.BASE).mean("chair_s"), 0);
        assertEquals(metrics.seeds().getFirst().evaluation(Variant.EFUF_STOPPED).bleu1(), metrics.summary().get(Variant.EFUF_STOPPED).mean("bleu_1"), 1e-12);
        assertEquals(List.of(Variant.EFUF, Variant.EFUF_STOPPED), List.copyOf(metrics.acceptance().keySet()));
        for (var e : metrics.acceptance().entrySet()) {
            assertEquals(9, e.getValue().size());
            Acceptance.Criterion chairS = e.getValue().getFirst();
            double base = metrics.summary().get(Variant.BASE).mean("chair_s"), after = metrics.summary().get(e.getKey()).mean("chair_s");
            if (base > 0) {
                assertEquals((base - after) / base, chairS.value(), 1e-12);
                assertEquals((base - after) / base >= 0.15, chairS.holds());
                assertEquals(1, chairS.perSeed().size()); // one seed: its own value is the mean, and a spread needs two
                assertEquals(chairS.value(), chairS.perSeed().getFirst(), 1e-12);
                assertTrue(Double.isNaN(chairS.spread()), "no spread from one seed: " + chairS);
            } else assertFalse(chairS.holds(), "undefined relative drop does not hold");
            Acceptance.Criterion unterminated = e.getValue().get(7);
            assertEquals(metrics.summary().get(e.getKey()).mean("unterminated_share") <= 0.01, unterminated.holds());
        }
        int pass = Acceptance.holding(metrics.acceptance().get(Variant.EFUF)), stop = Acceptance.holding(metrics.acceptance().get(Variant.EFUF_STOPPED));
        assertEquals(stop > pass ? Variant.EFUF_STOPPED : Variant.EFUF, metrics.schedule(), "the reported schedule holds more criteria (paper's on a tie)");
        assertEquals(3, metrics.ablationOrder().size());
        assertEquals(metrics.baseModels().gates().stream().filter(g -> !g.holds()).count(), metrics.baseModels().failing().size());
        assertEquals(7, metrics.baseModels().gates().size(), "five captioner gates and two perception gates");
    }

    @Test void reportHoldsEveryTableRowAndMarksHallucinations() throws Exception {
        String md = Files.readString(out.resolve("report.md")), html = Files.readString(out.resolve("report.html"));
        for (String heading : List.of("Figure 2", "Table 1", "Table 2", "Table 3", "Gallery", "Acceptance", "World", "Base models", "Quality gates",
                "Unlearning settings", "Schedules", "Where the hallucinations fall", "Which objects EFUF unlearns", "ablation order", "Analysis")) {
            assertTrue(md.contains(heading), "markdown section " + heading);
            assertTrue(html.contains(heading), "html section " + heading);
        }
        for (String model : Variant.models()) assertTrue(md.contains("| " + Variant.label(model) + " |"), "Table 3 row " + model);
        for (Acceptance.Criterion a : metrics.reportedAcceptance()) assertTrue(md.contains(a.criterion()), "acceptance row " + a.criterion());
        for (Acceptance.Criterion a : metrics.ablationOrder()) assertTrue(md.contains(a.criterion()), "ablation row " + a.criterion());
        for (DemoMetrics.Gate g : metrics.baseModels().gates()) assertTrue(md.contains("| " + g.name() + " | " + g.measured() + " | " + (g.holds() ? "holds" : "FAILS")), g.name());
        assertEquals(!metrics.baseModels().failing().isEmpty(), md.contains("WARNING: "), "a failing gate is said plainly");
        assertTrue(md.contains("What a quick run checks"), "a quick report says up front what it checks");
        assertFalse(md.matches("(?s).*\\d\\.\\d{6,}.*"), "numbers are formatted for people, not printed at full double precision");
        // the analysis is derived from this run's figures
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "CHAIR_s went from %.1f%% to %.1f%%", 100 * metrics.summary().get(Variant.BASE).mean("chair_s"),
                100 * metrics.summary().get(metrics.schedule()).mean("chair_s"))), "analysis states the run's CHAIR_s");
        int marked = 0;
        for (DemoMetrics.GalleryItem g : metrics.gallery()) {
            Set<String> present = new HashSet<>(g.objects());
            for (DemoMetrics.Caption c : g.captions().values()) {
                for (DemoMetrics.Span h : c.hallucinated()) {
                    assertTrue(h.end() > h.start() && h.end() <= c.text().length(), h.toString());
                    assertFalse(present.contains(h.object()), "a marked object is absent from the image: " + h);
                    marked++;
                }
            }
        }
        assertEquals(marked, count(html, "<mark>"), "every hallucinated mention in the gallery is marked in the HTML");
        assertTrue(html.contains("<img src=\"plots/figure2-scores.png\""));
    }

    private static long lines(Path f) {
        try (var l = Files.lines(f)) {
            return l.filter(x -> !x.isBlank()).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static void probability(double v, String what) {
        assertTrue(v >= 0 && v <= 1, what + " = " + v);
    }
}

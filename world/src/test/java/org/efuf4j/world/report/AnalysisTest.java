package org.efuf4j.world.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.efuf4j.efuf.eval.ClausePositions;
import org.efuf4j.efuf.eval.HallucinationKinds;
import org.efuf4j.efuf.eval.ObjectHallucinations;
import org.efuf4j.world.demo.Acceptance;
import org.efuf4j.world.demo.Demo;
import org.efuf4j.world.demo.DemoMetrics;
import org.efuf4j.world.demo.ModelEvaluation;
import org.efuf4j.world.demo.ObjectLabels;
import org.efuf4j.world.demo.Variant;
import org.junit.jupiter.api.Test;

/** The analysis states what the figures show, and says the opposite when they show the opposite. */
class AnalysisTest {
    static final double NaN = Double.NaN;

    /** 10 mentions, 4 hallucinated; {@code hallLast} of those and 5 of all mentions in a last clause. */
    static ModelEvaluation eval(double chairS, double objects, double recallSmall, double recallLarge, int hallLast) {
        ClausePositions c = new ClausePositions(new int[] {0, 1, 3, 0, 0, 0, 0, 0}, new int[] {3, 3, 4, 0, 0, 0, 0, 0}, hallLast, 5);
        return new ModelEvaluation(100, 10, 4, chairS, 0.2, 0.8, recallSmall, recallLarge, 120, 50, 50, Map.of(), 60, 40, 10, 5, objects, 0.02,
                0, c, 70, 60 / 70.0, new HallucinationKinds(3, 1), null);
    }

    /** {@code e} with its hallucinated mentions split into {@code added} and {@code swapped}. */
    static ModelEvaluation withKinds(ModelEvaluation e, int added, int swapped) {
        return withKinds(e, new HallucinationKinds(added, swapped));
    }

    /** {@code e} with the given kinds (null: an evaluation written before they were counted). */
    static ModelEvaluation withKinds(ModelEvaluation e, HallucinationKinds kinds) {
        return new ModelEvaluation(e.captions(), e.objectMentions(), kinds == null ? e.hallucinatedMentions() : kinds.hallucinated(), e.chairS(),
                e.chairI(), e.recall(), e.recallSmall(), e.recallLarge(), e.smallBelow(), e.smallObjects(), e.largeObjects(), e.pope(), e.bleu1(),
                e.bleu2(), e.bleu4(), e.perplexity(), e.objectsPerCaption(), e.repeatingShare(), e.unterminatedShare(), e.clauses(),
                e.bleu1Precision(), e.brevityPenalty(), kinds, e.objects());
    }

    /** {@code e} with per-object counts: {@code objectAndHallucinated} alternates names and hallucinated mentions (10 mentions each). */
    static ModelEvaluation withObjects(ModelEvaluation e, Object... objectAndHallucinated) {
        Map<String, ObjectHallucinations.Count> counts = new LinkedHashMap<>();
        for (int i = 0; i < objectAndHallucinated.length; i += 2)
            counts.put((String) objectAndHallucinated[i], new ObjectHallucinations.Count(20, (Integer) objectAndHallucinated[i + 1]));
        return new ModelEvaluation(e.captions(), e.objectMentions(), e.hallucinatedMentions(), e.chairS(), e.chairI(), e.recall(), e.recallSmall(),
                e.recallLarge(), e.smallBelow(), e.smallObjects(), e.largeObjects(), e.pope(), e.bleu1(), e.bleu2(), e.bleu4(),
                e.perplexity(), e.objectsPerCaption(), e.repeatingShare(), e.unterminatedShare(), e.clauses(), e.bleu1Precision(), e.brevityPenalty(), e.kinds(),
                new ObjectHallucinations(counts));
    }

    /** {@link #eval} with BLEU-1 given by its two factors: the unigram precision (percent) and the brevity penalty. */
    static ModelEvaluation withBleu(ModelEvaluation e, double precision, double brevityPenalty) {
        return new ModelEvaluation(e.captions(), e.objectMentions(), e.hallucinatedMentions(), e.chairS(), e.chairI(), e.recall(), e.recallSmall(),
                e.recallLarge(), e.smallBelow(), e.smallObjects(), e.largeObjects(), e.pope(), precision * brevityPenalty, e.bleu2(), e.bleu4(),
                e.perplexity(), e.objectsPerCaption(), e.repeatingShare(), e.unterminatedShare(), e.clauses(), precision, brevityPenalty, e.kinds(), e.objects());
    }

    static ModelEvaluation withRecall(ModelEvaluation e, double recall) {
        return new ModelEvaluation(e.captions(), e.objectMentions(), e.hallucinatedMentions(), e.chairS(), e.chairI(), recall, e.recallSmall(),
                e.recallLarge(), e.smallBelow(), e.smallObjects(), e.largeObjects(), e.pope(), e.bleu1(), e.bleu2(), e.bleu4(),
                e.perplexity(), e.objectsPerCaption(), e.repeatingShare(), e.unterminatedShare(), e.clauses(), e.bleu1Precision(), e.brevityPenalty(), e.kinds(), e.objects());
    }

    @Test void aBleuFallIsTracedToTheFactorThatMovedIt() {
        ModelEvaluation base = withBleu(eval(0.60, 4.0, 0.90, 0.95, 4), 70, 0.80);
        ModelEvaluation shorter = withBleu(eval(0.40, 3.6, 0.88, 0.95, 1), 72, 0.74);
        String text = Analysis.bleu(metrics(base, Map.of(Variant.EFUF, shorter)), Variant.EFUF);
        assertTrue(text.startsWith("BLEU-1 fell from 56.00 to 53.28"), text);
        assertTrue(text.contains("precision went from 70.00 to 72.00 and its brevity penalty from 0.800 to 0.740: its whole fall is the brevity penalty"), text);
        assertFalse(text.contains("oracle"), "no oracle run, no bound: " + text);
        Map<String, ModelEvaluation> withOracle = new LinkedHashMap<>();
        withOracle.put(Variant.EFUF, shorter);
        withOracle.put(Variant.ORACLE, withBleu(eval(0.30, 3.5, 0.88, 0.95, 1), 73, 0.70));
        String bounded = Analysis.bleu(metrics(base, withOracle), Variant.EFUF);
        assertTrue(bounded.endsWith("With oracle labels (the world's truth instead of the scorer's) BLEU-1 falls too, to 51.10."), bounded);
        String worse = Analysis.bleu(metrics(base, Map.of(Variant.EFUF, withBleu(eval(0.40, 3.6, 0.88, 0.95, 1), 66, 0.80))), Variant.EFUF);
        assertTrue(worse.contains("the captions are not shorter, so the fall is in what they say"), worse);
        String both = Analysis.bleu(metrics(base, Map.of(Variant.EFUF, withBleu(eval(0.40, 3.6, 0.88, 0.95, 1), 66, 0.75))), Variant.EFUF);
        assertTrue(both.contains("both factors fell"), both);
        assertEquals("", Analysis.bleu(metrics(base, Map.of(Variant.EFUF, withBleu(eval(0.40, 3.6, 0.88, 0.95, 1), 72, 0.80))), Variant.EFUF),
                "no fall, nothing to explain");
    }

    /** Oracle labels are the truth, but not always the bound: the analysis says which side of the scorer they fell on. */
    @Test void theOracleParagraphFollowsWhichLabelsLoweredChairMore() {
        ModelEvaluation base = eval(0.60, 4.0, 0.90, 0.95, 4);
        Map<String, ModelEvaluation> better = new LinkedHashMap<>();
        better.put(Variant.EFUF, eval(0.55, 3.8, 0.88, 0.95, 2));
        better.put(Variant.ORACLE, eval(0.48, 3.7, 0.87, 0.95, 1));
        String bound = String.join(" ", Analysis.paragraphs(metrics(base, better)));
        assertTrue(bound.contains("EFUF reaches CHAIR_s 48.0% (-20.0% relative)") && bound.contains("better labels alone would meet the CHAIR_s criterion"), bound);
        Map<String, ModelEvaluation> worse = new LinkedHashMap<>();
        worse.put(Variant.EFUF, eval(0.40, 3.6, 0.86, 0.95, 1));
        worse.put(Variant.ORACLE, eval(0.48, 3.7, 0.87, 0.95, 1));
        String noBound = String.join(" ", Analysis.paragraphs(metrics(base, worse)));
        assertTrue(noBound.contains("against 40.0% with the scorer's labels: the scorer's labels lower CHAIR_s further than the truth does"), noBound);
        assertFalse(noBound.contains("better labels"), noBound);
    }

    /** An evaluation with every acceptance figure set: CHAIR_s and CHAIR_i, recall (small objects 2 points lower), POPE at 0.9. */
    static ModelEvaluation scored(double chairS, double chairI, double recall) {
        ModelEvaluation.Pope pope = new ModelEvaluation.Pope(100, 0.9, 0.9, 0.9, 0.9, 0.5);
        return new ModelEvaluation(100, 10, 4, chairS, chairI, recall, recall - 0.02, recall + 0.02, 120, 50, 50,
                Map.of("random", pope, "popular", pope, "adversarial", pope), 70, 50, 10, 5, 3.8, 0.02, 0, null, 70, 1, null, null);
    }

    /** The full pass past the recall bound and the validation stop short of the CHAIR bounds: the analysis names the line. */
    @Test void schedulesFailingOnOppositeSidesAreCalledATradeOff() {
        ModelEvaluation base = scored(0.50, 0.20, 0.88);
        String line = String.join(" ", Analysis.paragraphs(schedules(base, scored(0.38, 0.16, 0.835), scored(0.445, 0.183, 0.86))));
        assertTrue(line.contains("The two schedules fail on opposite sides: the full pass lowers CHAIR_s by 24.0% at 4.5 points of recall, the validation"
                + " stop by 11.0% at 2.0 (5.3% and 5.5% of relative CHAIR_s per point of recall). Neither dose meets both bounds, nor does the line"
                + " between them"), line);
        // on the line: CHAIR_s 11.0 + 0.4 * 13.0 = 16.2%, but CHAIR_i 8.5 + 0.4 * 11.5 = 13.1%, short of 15
        // a stronger pass and a cheaper stop: at 3 points of recall the line between them holds both CHAIR bounds
        String between = String.join(" ", Analysis.paragraphs(schedules(base, scored(0.33, 0.13, 0.835), scored(0.445, 0.183, 0.87))));
        assertTrue(between.contains("(7.6% and 11.0% of relative CHAIR_s per point of recall). On the line between them, a dose that costs 3 points of"
                + " recall lowers CHAIR_s by 24.1% and CHAIR_i by 23.6%: a dose that meets both bounds lies between the two"), between);
        assertFalse(between.contains("Neither dose"), between);
        // the validation stop meets the CHAIR bounds too: nothing fails on the CHAIR side, so there is no line to name
        String met = String.join(" ", Analysis.paragraphs(schedules(base, scored(0.38, 0.16, 0.835), scored(0.40, 0.165, 0.86))));
        assertTrue(met.contains("The validation schedule stopped") && !met.contains("opposite sides"), met);
        // the full pass fails on CHAIR_i as well as recall: not the two sides of one line
        String both = String.join(" ", Analysis.paragraphs(schedules(base, scored(0.38, 0.19, 0.835), scored(0.445, 0.183, 0.86))));
        assertFalse(both.contains("opposite sides"), both);
    }

    static DemoMetrics schedules(ModelEvaluation base, ModelEvaluation pass, ModelEvaluation stop) {
        Map<String, DemoMetrics.VariantRun> runs = new LinkedHashMap<>();
        DemoMetrics.Training t = new DemoMetrics.Training("trained", 10, 1, List.of(), -1, List.of(), Map.of());
        runs.put(Variant.EFUF, new DemoMetrics.VariantRun(t, pass, stop));
        List<DemoMetrics.SeedRun> seeds = List.of(new DemoMetrics.SeedRun(1, null, runs));
        var summary = DemoMetrics.summarise(base, seeds);
        Map<String, List<Acceptance.Criterion>> acceptance = Map.of(Variant.EFUF, Acceptance.evaluate(summary, Variant.EFUF), Variant.EFUF_STOPPED,
                Acceptance.evaluate(summary, Variant.EFUF_STOPPED));
        DemoMetrics.BaseModels bm = new DemoMetrics.BaseModels(false, true, null, List.of(new DemoMetrics.Gate("recall >= 0.60", "0.880", true)));
        return new DemoMetrics(null, null, bm, base, seeds, summary, acceptance, Variant.EFUF, Acceptance.ablationOrder(summary), List.of(), null);
    }

    static DemoMetrics metrics(ModelEvaluation base, Map<String, ModelEvaluation> variants) {
        Map<String, DemoMetrics.VariantRun> runs = new LinkedHashMap<>();
        DemoMetrics.Training t = new DemoMetrics.Training("trained", 10, 1, List.of(), -1, List.of(), Map.of());
        variants.forEach((k, v) -> runs.put(k, new DemoMetrics.VariantRun(t, v, null)));
        List<DemoMetrics.SeedRun> seeds = List.of(new DemoMetrics.SeedRun(1, null, runs));
        var summary = DemoMetrics.summarise(base, seeds);
        Map<String, List<Acceptance.Criterion>> acceptance = Map.of(Variant.EFUF, Acceptance.evaluate(summary, Variant.EFUF));
        DemoMetrics.BaseModels bm = new DemoMetrics.BaseModels(false, true, null, List.of(new DemoMetrics.Gate("recall >= 0.60", "0.860", true),
                new DemoMetrics.Gate("scorer AUC on the captioner's own mentions >= 0.90", "0.852", false)));
        return new DemoMetrics(null, null, bm, base, seeds, summary, acceptance, Variant.EFUF, Acceptance.ablationOrder(summary), List.of(), null);
    }

    /** {@code m} with its one seed's formation labels. */
    static DemoMetrics withLabels(DemoMetrics m, ObjectLabels... labels) {
        DemoMetrics.Formation f = new DemoMetrics.Formation(0, 0, 0, null, null, null, null, null, null, NaN, List.of(labels));
        List<DemoMetrics.SeedRun> seeds = m.seeds().stream().map(s -> new DemoMetrics.SeedRun(s.seed(), f, s.variants())).toList();
        return new DemoMetrics(m.settings(), m.world(), m.baseModels(), m.base(), seeds, m.summary(), m.acceptance(), m.schedule(), m.ablationOrder(),
                m.gallery(), m.timings());
    }

    /**
     * The objects paragraph sets the hallucinations of objects the scorer rarely sends below T1 beside those it mostly does,
     * and leaves out the objects between; it says nothing without per-object counts.
     */
    @Test void theObjectsParagraphSetsWhatTheScorerMissesBesideWhatItCatches() {
        ModelEvaluation base = withObjects(eval(0.60, 4.0, 0.90, 0.95, 4), "clock", 10, "sandwich", 8, "teddy bear", 6, "dog", 12, "cup", 10);
        ObjectLabels[] labels = {new ObjectLabels("clock", 50, 40, 2, 20, 0.7), new ObjectLabels("sandwich", 50, 20, 1, 10, 0.75),
                new ObjectLabels("teddy bear", 50, 10, 3, 2, 0.8), new ObjectLabels("dog", 50, 30, 24, 0, 0.99), new ObjectLabels("cup", 50, 10, 6, 1, 0.95)};
        ModelEvaluation caught = withObjects(eval(0.40, 3.8, 0.88, 0.95, 2), "clock", 9, "sandwich", 8, "teddy bear", 1, "dog", 4, "cup", 5);
        String text = Analysis.objects(withLabels(metrics(base, Map.of(Variant.EFUF, caught)), labels), Variant.EFUF);
        assertTrue(text.contains("the 2 object(s) whose hallucinated formation mentions the scorer sends below T1 less than a quarter of the time"
                + " (most hallucinated: clock, sandwich) have 18 hallucinated mentions in the base captions and 17.0 after"), text);
        assertTrue(text.contains("(5.6% fewer); the 2 it sends there at least half of the time have 22 and 9.0 (59.1% fewer): EFUF unlearns what its"
                + " scorer catches"), text);
        ModelEvaluation missed = withObjects(eval(0.40, 3.8, 0.88, 0.95, 2), "clock", 2, "sandwich", 1, "dog", 12, "cup", 10);
        String other = Analysis.objects(withLabels(metrics(base, Map.of(Variant.EFUF, missed)), labels), Variant.EFUF);
        assertTrue(other.contains("(83.3% fewer); the 2 it sends there at least half of the time have 22 and 22.0 (0.0% fewer): the objects the"
                + " scorer misses lose more"), other);
        assertEquals("", Analysis.objects(withLabels(metrics(eval(0.60, 4.0, 0.90, 0.95, 4), Map.of(Variant.EFUF, caught)), labels), Variant.EFUF),
                "a base evaluation without per-object counts");
        assertEquals("", Analysis.objects(metrics(base, Map.of(Variant.EFUF, caught)), Variant.EFUF), "no formation labels");
    }

    /** The kinds paragraph says which kind EFUF removed, from the seed means, and says nothing without the counts. */
    @Test void theKindsParagraphSaysWhichKindOfHallucinationWasRemoved() {
        ModelEvaluation base = withKinds(eval(0.60, 4.0, 0.90, 0.95, 4), 40, 20);
        String language = Analysis.kinds(metrics(base, Map.of(Variant.EFUF, withKinds(eval(0.40, 3.8, 0.88, 0.95, 2), 20, 19))), Variant.EFUF);
        assertTrue(language.startsWith("Of the base captioner's 60 hallucinated mentions, 40 are added past the evidence"), language);
        assertTrue(language.contains("20.0 added and 19.0 swapped remain (50.0% fewer added, 5.0% fewer swapped): unlearning the decision to go"
                + " on removes the language prior's hallucinations"), language);
        String perception = Analysis.kinds(metrics(base, Map.of(Variant.EFUF, withKinds(eval(0.40, 3.8, 0.88, 0.95, 2), 38, 10))), Variant.EFUF);
        assertTrue(perception.contains("it removes more of the swapped kind than of the added"), perception);
        String alike = Analysis.kinds(metrics(base, Map.of(Variant.EFUF, withKinds(eval(0.40, 3.8, 0.88, 0.95, 2), 30, 15))), Variant.EFUF);
        assertTrue(alike.endsWith("(25.0% fewer added, 25.0% fewer swapped): it removes both kinds alike."), alike);
        String more = Analysis.kinds(metrics(base, Map.of(Variant.EFUF, withKinds(eval(0.40, 3.8, 0.88, 0.95, 2), 20, 22))), Variant.EFUF);
        assertTrue(more.contains("(50.0% fewer added, 10.0% more swapped)"), more);
        assertEquals("", Analysis.kinds(metrics(base, Map.of(Variant.EFUF, withKinds(eval(0.40, 3.8, 0.88, 0.95, 2), null))), Variant.EFUF),
                "evaluations without the counts");
    }

    @Test void statementsFollowTheFigures() {
        ModelEvaluation base = eval(0.60, 4.0, 0.90, 0.95, 4);
        Map<String, ModelEvaluation> v = new LinkedHashMap<>();
        v.put("vanilla", eval(0.50, 3.8, 0.85, 0.95, 2));
        v.put("no_sentence", eval(0.45, 3.9, 0.80, 0.95, 2));
        v.put("sentence_only", eval(0.30, 3.0, 0.85, 0.95, 1)); // beats EFUF by naming fewer objects
        v.put(Variant.EFUF, eval(0.40, 3.9, 0.80, 0.94, 1));
        String text = String.join("\n", Analysis.paragraphs(metrics(base, v)));
        assertTrue(text.contains("CHAIR_s went from 60.0% to 40.0% (-33.3% relative)"), text);
        assertTrue(text.contains("fail 1 of their 2 quality gates (scorer AUC on the captioner's own mentions >= 0.90)"), text);
        // base: all 4 hallucinations in a last clause against half of all mentions
        assertTrue(text.contains("100.0% of the hallucinated mentions sit in their caption's last clause, against 50.0% of all mentions: the"
                + " hallucinations gather at the end"), text);
        assertTrue(text.contains("Recall of small objects moved by -10.0 points (90.0% to 80.0%), of large objects by -1.0 points"), text);
        assertTrue(text.contains("the loss of recall falls on the small objects"), text);
        String order = String.join("\n", Analysis.ablationFindings(metrics(base, v)));
        assertTrue(order.startsWith("1 of the paper's 3 Table 3 statements hold"), order); // EFUF beats vanilla; perplexities tie; sentence-only is not the weakest
        assertTrue(order.contains("Unlike the paper, the sentence loss alone lowers CHAIR_s at least as much as EFUF here (30.0% against 40.0%"), order);
        assertTrue(order.contains("teaches the captioner to stop sooner"), order);
        assertFalse(order.contains("vanilla) unlearning lowers"), "vanilla does not beat EFUF here: " + order);
        // the opposite figures: vanilla beats EFUF on CHAIR_s at a cost in recall
        Map<String, ModelEvaluation> w = new LinkedHashMap<>(v);
        w.put("vanilla", withRecall(eval(0.30, 3.0, 0.60, 0.90, 1), 0.7));
        String costly = String.join("\n", Analysis.ablationFindings(metrics(base, w)));
        assertTrue(costly.contains("Unlike the paper, sentence-level (vanilla) unlearning lowers CHAIR_s"), costly);
        assertTrue(costly.contains("It pays in recall, though"), costly);
    }

    @Test void theOppositeFiguresGiveTheOppositeStatements() {
        ModelEvaluation base = eval(0.60, 4.0, 0.90, 0.95, 1); // 1 of 4 hallucinations in a last clause, against 5 of 10 mentions
        Map<String, ModelEvaluation> v = new LinkedHashMap<>();
        v.put("vanilla", eval(0.35, 4.0, 0.90, 0.95, 1));
        v.put("no_sentence", eval(0.45, 3.9, 0.90, 0.95, 1));
        v.put("sentence_only", eval(0.30, 4.5, 0.90, 0.95, 1)); // beats EFUF while naming more objects
        v.put(Variant.EFUF, eval(0.40, 3.9, 0.95, 0.90, 1));
        DemoMetrics m = metrics(base, v);
        String text = String.join("\n", Analysis.paragraphs(m));
        assertTrue(text.contains("do not gather at the end of the descriptions"), text);
        assertTrue(text.contains("small objects fare better than large ones"), text);
        String order = String.join("\n", Analysis.ablationFindings(m));
        assertTrue(order.contains("it does not get there by naming fewer objects"), order);
        assertTrue(order.contains("the hallucinations do not gather in one clause here"), order);
        assertEquals(0, m.ablationOrder().stream().filter(Acceptance.Criterion::holds).count(), order);
    }

    static ModelEvaluation withPope(ModelEvaluation e, double popularF1, double popularYes, double randomYes) {
        Map<String, ModelEvaluation.Pope> pope = new LinkedHashMap<>();
        pope.put("random", new ModelEvaluation.Pope(600, 0.8, 0.8, 0.9, 0.83, randomYes));
        pope.put("popular", new ModelEvaluation.Pope(600, 0.6, 0.6, 0.95, popularF1, popularYes));
        return new ModelEvaluation(e.captions(), e.objectMentions(), e.hallucinatedMentions(), e.chairS(), e.chairI(), e.recall(), e.recallSmall(),
                e.recallLarge(), e.smallBelow(), e.smallObjects(), e.largeObjects(), pope, e.bleu1(), e.bleu2(), e.bleu4(),
                e.perplexity(), e.objectsPerCaption(), e.repeatingShare(), e.unterminatedShare(), e.clauses(), e.bleu1Precision(), e.brevityPenalty(), e.kinds(), e.objects());
    }

    /** A base captioner that affirms most of POPE's questions is called leaning to "Yes", with its F1 and EFUF's share; one near half is not. */
    @Test void aBaseCaptionerThatAffirmsMostPopeQuestionsIsSaidToLeanToYes() {
        ModelEvaluation base = withPope(eval(0.60, 4.0, 0.90, 0.95, 4), 0.712, 0.80, 0.58);
        ModelEvaluation efuf = withPope(eval(0.40, 3.9, 0.88, 0.95, 1), 0.70, 0.76, 0.57);
        String text = String.join(" ", Analysis.paragraphs(metrics(base, Map.of(Variant.EFUF, efuf))));
        assertTrue(text.contains("The base captioner answers \"Yes\" to 80.0% of the popular split's questions, half of which are about absent"
                + " objects: it leans to \"Yes\""), text);
        assertTrue(text.contains("so its POPE F1 (71.2% on the popular split) says less about what it sees than the figure suggests."), text);
        assertTrue(text.contains("the popular split's \"Yes\" share is 76.0%."), text);
        assertFalse(text.contains("random split's"), "58% is within the lean allowed: " + text);
        ModelEvaluation reads = withPope(eval(0.60, 4.0, 0.90, 0.95, 4), 0.92, 0.47, 0.50);
        String none = String.join(" ", Analysis.paragraphs(metrics(reads, Map.of(Variant.EFUF, efuf))));
        assertFalse(none.contains("leans to"), none);
        assertFalse(String.join(" ", Analysis.paragraphs(metrics(eval(0.60, 4.0, 0.90, 0.95, 4), Map.of(Variant.EFUF, efuf)))).contains("leans to"),
                "without POPE figures nothing is said");
    }
}

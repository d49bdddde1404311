package org.efuf4j.world.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AcceptanceTest {
    static final double NaN = Double.NaN;

    /** An evaluation with the given CHAIR_s, BLEU-1 and small-object recall; every other figure undefined. */
    static ModelEvaluation eval(double chairS, double bleu1, double recallSmall) {
        return new ModelEvaluation(10, 0, 0, chairS, NaN, NaN, recallSmall, NaN, NaN, 0, 0, Map.of(), bleu1, NaN, NaN, NaN, NaN, NaN, NaN, null, NaN, NaN, null, null);
    }

    /** Base CHAIR_s 0.5; EFUF 0.4, 0.45 and 0.35 on three seeds: drops 0.2, 0.1, 0.3. */
    @Test void criteriaCarryTheSeedMeanEachSeedAndTheirSpread() {
        Map<String, Summary.ModelSummary> summary = new LinkedHashMap<>();
        summary.put(Variant.BASE, Summary.of(List.of(eval(0.5, 70.0, 0.8))));
        double[] efuf = {0.4, 0.45, 0.35}, bleu = {69.5, 68.0, 70.5}, small = {0.79, 0.71, 0.76};
        List<ModelEvaluation> runs = new ArrayList<>();
        for (int k = 0; k < 3; k++) runs.add(eval(efuf[k], bleu[k], small[k]));
        summary.put(Variant.EFUF, Summary.of(runs));
        List<Acceptance.Criterion> acceptance = Acceptance.evaluate(summary, Variant.EFUF);
        assertEquals(9, acceptance.size());

        Acceptance.Criterion chairS = acceptance.get(0);
        assertEquals(0.2, chairS.value(), 1e-12);
        double[] drops = {0.2, 0.1, 0.3};
        for (int k = 0; k < 3; k++) assertEquals(drops[k], chairS.perSeed().get(k), 1e-12);
        assertEquals(0.1, chairS.spread(), 1e-12); // sample std of 0.2, 0.1, 0.3
        assertEquals(2, chairS.seedsHolding());
        assertTrue(chairS.holds());
        // read by people: a relative drop of 0.2 is "+20.0%", its spread 0.1 "10.0%"
        assertTrue(chairS.text().contains("relative drop = +20.0% +/- 10.0% over 3 seeds (bound >= +15.0%)"), chairS.text());
        assertEquals("+10.0%", chairS.value(0.1));

        Acceptance.Criterion bleu1 = acceptance.get(2); // mean change -0.6667: holds; seed 2 alone (-2) does not
        assertEquals(-2.0 / 3, bleu1.value(), 1e-9);
        assertEquals(2, bleu1.seedsHolding());
        assertTrue(bleu1.holds());
        assertEquals("-0.67", bleu1.value(bleu1.value()), "points are signed with two decimals");

        Acceptance.Criterion smallRecall = acceptance.get(5); // -1, -9, -4 points: mean -4.67 holds (bound -5), seed 2 does not
        assertTrue(smallRecall.criterion().contains("Small-object recall"), smallRecall.criterion());
        assertEquals(-14.0 / 3, smallRecall.value(), 1e-9);
        assertEquals(2, smallRecall.seedsHolding());
        assertTrue(smallRecall.holds());

        Acceptance.Criterion chairI = acceptance.get(1); // CHAIR_i undefined everywhere: undefined, does not hold
        assertTrue(Double.isNaN(chairI.value()));
        assertFalse(chairI.holds());
    }

    @Test void aMissingModelHoldsNothing() {
        Map<String, Summary.ModelSummary> summary = Map.of(Variant.BASE, Summary.of(List.of(eval(0.5, 70, 0.8))));
        for (Acceptance.Criterion c : Acceptance.evaluate(summary, Variant.EFUF)) {
            assertFalse(c.holds(), c.text());
            assertTrue(c.perSeed().isEmpty(), c.text());
        }
    }

    /** Vanilla 0.42, EFUF 0.40 and sentence-only 0.38 CHAIR_s: EFUF beats vanilla, but the sentence loss alone is not the weakest. */
    @Test void ablationOrderComparesTheVariantsOnTheSameSeeds() {
        Map<String, Summary.ModelSummary> summary = new LinkedHashMap<>();
        summary.put(Variant.BASE, Summary.of(List.of(eval(0.5, 70, 0.8))));
        summary.put("vanilla", Summary.of(List.of(eval(0.42, 70, 0.8))));
        summary.put("no_sentence", Summary.of(List.of(eval(0.41, 70, 0.8))));
        summary.put("sentence_only", Summary.of(List.of(eval(0.38, 70, 0.8))));
        summary.put(Variant.EFUF, Summary.of(List.of(eval(0.40, 70, 0.8), eval(0.30, 70, 0.8))));
        List<Acceptance.Criterion> order = Acceptance.ablationOrder(summary);
        assertEquals(3, order.size());
        assertEquals(100 * (0.42 - 0.35), order.get(0).value(), 1e-9); // seed means: EFUF 0.35
        assertEquals(1, order.get(0).perSeed().size(), "per seed only where vanilla ran too");
        assertEquals(100 * (0.42 - 0.40), order.get(0).perSeed().getFirst(), 1e-9);
        assertTrue(order.get(0).holds());
        assertFalse(order.get(1).holds(), "perplexity undefined: " + order.get(1).text());
        assertEquals(100 * (0.38 - 0.42), order.get(2).value(), 1e-9);
        assertFalse(order.get(2).holds());
    }
}

package org.efuf4j.efuf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gradient-ascent safety rails and the authors' schedules. */
class TrainerSafetyTest {
    private static java.util.Map<String, Double> terms(double pos, double neg, double sent) {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("L_pos", pos);
        m.put("L_neg", neg);
        m.put("L_sent", sent);
        return m;
    }

    @Test
    void guardStaysQuietWhileTheLossesAreBoundedAndStopsWhenOneRunsAway() {
        UnlearningTrainer.Guard quiet = new UnlearningTrainer.Guard(2.0);
        quiet.setBaseline(terms(1.2, 2.0, 1.5));
        for (int s = 1; s <= 200; s++) assertNull(quiet.observe(terms(1.2, 2.0 + 0.5 * Math.sin(s), 1.5), s, 4.0), "step " + s);

        UnlearningTrainer.Guard runaway = new UnlearningTrainer.Guard(2.0);
        runaway.setBaseline(terms(1.2, 2.0, 1.5));
        String why = null;
        int stoppedAt = 0;
        for (int s = 1; s <= 100 && why == null; s++) {
            why = runaway.observe(terms(1.2, 2.0 * Math.pow(1.2, s), 1.5), s, 4.0);
            stoppedAt = s;
        }
        assertNotNull(why, "a loss growing 20% a step must be stopped");
        assertTrue(why.contains("L_neg 2.000 -> ") && why.contains("(risen)") && why.contains("step " + stoppedAt), why);
        // running mean r_t = 0.8 r_{t-1} + 0.2 x_t from r_0 = 2 first exceeds 8 a few steps after x does (step 8: 2 x 1.2^8 = 8.6)
        assertTrue(stoppedAt > 8 && stoppedAt < 20, "stopped at " + stoppedAt);
    }

    /**
     * The issue's run (--lr 0.3 --lambda1 3 --trainable all): L_pos 1.25 -> 22 and L_neg 1.14 -> 28.8 within the first
     * steps. A baseline averaged over the first 5 steps already holds the blow-up and never fires; the model before any
     * update gives the real start, and a blow-up of L_pos alone is caught as well.
     */
    @Test
    void anEarlyBlowUpOfAnyTermIsCaught() {
        UnlearningTrainer.Guard g = new UnlearningTrainer.Guard(TrainerSettings.paper().negativeCap());
        g.setBaseline(terms(1.25, 1.14, 1.3));
        String why = null;
        double[] neg = {1.14, 9.0, 20.0, 26.0, 28.8}, pos = {1.25, 6.0, 15.0, 20.0, 22.0};
        int step = 0;
        while (why == null && step < neg.length) {
            why = g.observe(terms(pos[step], neg[step], 1.3), step + 1, 4.0);
            step++;
        }
        assertNotNull(why, "a 25x rise within 5 steps is divergence");
        // L_pos's running mean passes 4 x 1.25 at step 4 (1.25, 2.2, 4.8, 7.8); L_neg's reference is the paper's cap of 15
        assertTrue(step <= 4, "stopped at step " + step);
        assertTrue(why.contains("L_pos") && why.contains("L_neg") && why.contains("L_sent"), why);

        UnlearningTrainer.Guard posOnly = new UnlearningTrainer.Guard(TrainerSettings.paper().negativeCap());
        posOnly.setBaseline(terms(1.0, 2.0, 1.0));
        String pw = null;
        for (int s = 1; s <= 10 && pw == null; s++) pw = posOnly.observe(terms(12.0, 2.0, 1.0), s, 4.0);
        assertNotNull(pw);
        assertTrue(pw.contains("L_pos 1.000 -> ") && pw.contains("(risen)") && !pw.contains("L_neg 2.000 -> 2.000 (risen)"), pw);
    }

    /**
     * Ascent raises L_neg by design: from 1.0 up to a cap of 6 (the demo's) the running mean passes 4x its start but
     * stays within 4x the cap, and L_pos and L_sent hold, so the run goes on; past 4x the cap it is stopped.
     */
    @Test
    void lNegRisingTowardTheCapIsUnlearningNotDivergence() {
        UnlearningTrainer.Guard g = new UnlearningTrainer.Guard(6.0);
        g.setBaseline(terms(1.2, 1.0, 1.5));
        for (int s = 1; s <= 200; s++) assertNull(g.observe(terms(1.2, Math.min(6.0, 1.0 + 0.1 * s) * 1.5, 1.5), s, 4.0), "step " + s);
        String why = null;
        for (int s = 201; s <= 230 && why == null; s++) why = g.observe(terms(1.2, 40.0, 1.5), s, 4.0);
        assertNotNull(why, "L_neg far past the cap is divergence");
        assertTrue(why.contains("L_neg 1.000 -> ") && why.contains("(risen)") && why.contains("negative cap 6.00"), why);
    }

    @Test
    void implementationSchedules() {
        TrainerSettings p = TrainerSettings.paper();
        assertEquals(0.3, p.lambda1At(0.9), 0);
        assertEquals(1.0, p.positiveWeightAt(0.9), 0);
        TrainerSettings s = p.toBuilder().implementationSchedules(true).build();
        assertEquals(0.3, s.lambda1At(0.4), 1e-12, "held for the first 40%");
        assertEquals(0.15, s.lambda1At(0.7), 1e-12, "halfway down the linear decay");
        assertEquals(0.0, s.lambda1At(1.0), 1e-12);
        assertEquals(1.0, s.positiveWeightAt(0), 1e-12);
        assertEquals(0.5, s.positiveWeightAt(1), 1e-12);
    }

    @Test
    void everyAblationHasOneSpellingPerPlaceAndTheWordsRoundTrip() {
        java.util.Set<String> words = new java.util.HashSet<>(), keys = new java.util.HashSet<>(), labels = new java.util.HashSet<>();
        for (Ablation a : Ablation.values()) {
            assertEquals(a, Ablation.ofWord(a.word));
            assertTrue(words.add(a.word) && keys.add(a.key) && labels.add(a.label), a + " shares a name");
            assertTrue(a.positives || a.negatives || a.sentences, a + " trains some term");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Ablation.ofWord("ful"));
        assertTrue(e.getMessage().contains("full, no-sentence") && e.getMessage().contains("got ful"), e.getMessage());
        assertEquals("negative", Ablation.ASCENT_ONLY.driver());
        assertEquals("sentence", Ablation.NO_ASCENT.driver());
    }

    @Test
    void table3AndTheControlsAreTheTermsThePaperAndTheIssueName() {
        for (Ablation a : Ablation.values()) assertEquals(a, Ablation.ofKey(a.key));
        assertEquals(java.util.List.of("vanilla", "no_sentence", "sentence_only", "efuf"), Ablation.table3().stream().map(a -> a.key).toList());
        Ablation full = Ablation.FULL;
        assertTrue(full.positives && full.negatives && full.sentences && !full.wholeSentences, "L_pos + 0.3 L_neg + 0.2 L_sent on clauses");
        assertTrue(Ablation.VANILLA.wholeSentences && Ablation.VANILLA.negatives, "sentence-level unlearning");
        assertTrue(!Ablation.NO_SENTENCE.sentences && Ablation.NO_SENTENCE.negatives && Ablation.NO_SENTENCE.positives);
        // controls: L_sent alone, L_pos + L_sent without ascent, ascent alone
        java.util.List<boolean[]> terms = Ablation.controls().stream().map(a -> new boolean[] {a.positives, a.negatives, a.sentences}).toList();
        assertEquals("[false, false, true][true, false, true][false, true, false]",
                terms.stream().map(java.util.Arrays::toString).reduce("", String::concat));
        var e = assertThrows(IllegalArgumentException.class, () -> Ablation.ofKey("full"));
        assertTrue(e.getMessage().contains("efuf"), e.getMessage());
        for (Schedule s : Schedule.values()) assertEquals(s, Schedule.ofWord(s.word));
        var bad = assertThrows(IllegalArgumentException.class, () -> Schedule.ofWord("early"));
        assertTrue(bad.getMessage().contains("paper, validation") && bad.getMessage().contains("got early"), bad.getMessage());
    }

    @Test
    void settingsRejectUnboundedAscent() {
        TrainerSettings p = TrainerSettings.paper();
        var e = assertThrows(IllegalArgumentException.class, () -> p.toBuilder().epochs(4).build());
        assertTrue(e.getMessage().contains("passes over D-"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.toBuilder().negativeCap(0).build());
        // Infinity and NaN pass "> 0" comparisons the wrong way: lr Infinity is > 0, lambda1 NaN fails no "<" test
        var lr = assertThrows(IllegalArgumentException.class, () -> p.toBuilder().lr(Double.POSITIVE_INFINITY).build());
        assertTrue(lr.getMessage().contains("learning rate") && lr.getMessage().contains("Infinity"), lr.getMessage());
        var l1 = assertThrows(IllegalArgumentException.class, () -> p.toBuilder().lambda1(Double.NaN).build());
        assertTrue(l1.getMessage().contains("lambda1") && l1.getMessage().contains("NaN"), l1.getMessage());
    }
}

package org.efuf4j.efuf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gradient-ascent safety rails and the authors' schedules. */
class TrainerSafetyTest {
    @Test
    void guardStaysQuietWhileTheNegativeLossIsBoundedAndStopsWhenItRunsAway() {
        UnlearningTrainer.Guard quiet = new UnlearningTrainer.Guard();
        for (int s = 1; s <= 200; s++) assertNull(quiet.observe(2.0 + 0.5 * Math.sin(s), s, 4.0), "step " + s);

        UnlearningTrainer.Guard runaway = new UnlearningTrainer.Guard();
        String why = null;
        int stoppedAt = 0;
        for (int s = 1; s <= 100 && why == null; s++) {
            why = runaway.observe(s <= 5 ? 2.0 : 2.0 * Math.pow(1.2, s - 5), s, 4.0);
            stoppedAt = s;
        }
        assertNotNull(why, "a loss growing 20% a step must be stopped");
        assertTrue(why.contains("L_neg diverges") && why.contains("2.000"), why);
        // running mean r_t = 0.8 r_{t-1} + 0.2 x_t first exceeds 8 (4 x 2.0) a few steps after x does (step 13: 2 x 1.2^8 = 8.6)
        assertTrue(stoppedAt > 13 && stoppedAt < 25, "stopped at " + stoppedAt);
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
    void settingsRejectUnboundedAscent() {
        TrainerSettings p = TrainerSettings.paper();
        var e = assertThrows(IllegalArgumentException.class, () -> p.toBuilder().epochs(4).build());
        assertTrue(e.getMessage().contains("passes over D-"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.toBuilder().negativeCap(0).build());
    }
}

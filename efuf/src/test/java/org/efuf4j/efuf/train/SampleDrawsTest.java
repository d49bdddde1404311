package org.efuf4j.efuf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The paper's schedule: one draw of each set per step, one pass over D- per epoch, D+ and Ds cycling. */
class SampleDrawsTest {
    private static List<Integer> draws(SampleDraws d, int size, long from, long to, int stream) {
        List<Integer> out = new ArrayList<>();
        for (long s = from; s < to; s++) out.add(d.index(size, s, stream));
        return out;
    }

    private static void assertPermutation(List<Integer> drawn, int size, String what) {
        int[] sorted = drawn.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] all = new int[size];
        Arrays.setAll(all, i -> i);
        assertEquals(Arrays.toString(all), Arrays.toString(sorted), what + " draws every sample exactly once: " + drawn);
    }

    @Test
    void anEpochDrawsEveryNegativeOnceAndAsManyPositivesAndSentences() {
        SampleDraws d = new SampleDraws(7);
        int negatives = 11, positives = 4, sentences = 30;
        long steps = SampleDraws.steps(1, negatives);
        assertEquals(11, steps);
        Ablation full = Ablation.FULL;
        List<Integer> neg = draws(d, negatives, 0, steps, SampleDraws.stream(full, "negative"));
        assertPermutation(neg, negatives, "one pass over D-");
        // D+ is smaller: it cycles, each of its passes a permutation, so counts differ by at most one
        List<Integer> pos = draws(d, positives, 0, steps, SampleDraws.stream(full, "positive"));
        assertEquals(negatives, pos.size(), "one positive per step");
        assertPermutation(pos.subList(0, 4), positives, "D+'s first pass");
        assertPermutation(pos.subList(4, 8), positives, "D+'s second pass");
        int[] counts = new int[positives];
        for (int i : pos) counts[i]++;
        for (int c : counts) assertTrue(c == 2 || c == 3, "11 draws over 4 positives: " + Arrays.toString(counts));
        // Ds is larger: a pass over D- sees 11 distinct sentences of the 30, never one twice
        List<Integer> sent = draws(d, sentences, 0, steps, SampleDraws.stream(full, "sentence"));
        assertEquals(negatives, new HashSet<>(sent).size(), "no sentence repeats within its pass: " + sent);
        // what the run reports of each set's use is what the draws did
        assertEquals(new SampleDraws.Use(sentences, steps, new HashSet<>(sent).size()), SampleDraws.Use.of(sentences, steps));
        assertEquals(new SampleDraws.Use(positives, steps, new HashSet<>(pos).size()), SampleDraws.Use.of(positives, steps));
        assertEquals(new SampleDraws.Use(negatives, steps, new HashSet<>(neg).size()), SampleDraws.Use.of(negatives, steps));
    }

    @Test
    void eachEpochIsANewOrderAndTheSameSeedTheSameRun() {
        SampleDraws d = new SampleDraws(3);
        int n = 12;
        long steps = SampleDraws.steps(2, n);
        List<Integer> first = draws(d, n, 0, n, SampleDraws.DRIVER), second = draws(d, n, n, steps, SampleDraws.DRIVER);
        assertPermutation(first, n, "epoch 1");
        assertPermutation(second, n, "epoch 2");
        assertNotEquals(first, second, "the second pass is reshuffled");
        assertEquals(first, draws(new SampleDraws(3), n, 0, n, SampleDraws.DRIVER), "a resumed run draws what a straight one drew");
        assertNotEquals(first, draws(new SampleDraws(4), n, 0, n, SampleDraws.DRIVER), "another --train-seed, another order");
        assertNotEquals(first, draws(d, n, 0, n, SampleDraws.POSITIVE), "sets of equal size are not drawn in lockstep");
    }

    /** The set whose pass makes the epoch is stream 0; the streams of a run are distinct. */
    @Test
    void everyAblationDrivesWithOneSetAndGivesTheOthersTheirOwnStreams() {
        for (Ablation a : Ablation.values()) {
            Set<Integer> streams = new HashSet<>();
            int used = 0;
            for (String kind : List.of("positive", "negative", "sentence")) {
                boolean uses = kind.equals("positive") ? a.positives : kind.equals("negative") ? a.negatives : a.sentences;
                if (!uses) continue;
                used++;
                streams.add(SampleDraws.stream(a, kind));
            }
            assertEquals(used, streams.size(), a + " draws two sets on one stream");
            assertTrue(streams.contains(SampleDraws.DRIVER), a + " has no driving set");
        }
        assertEquals(SampleDraws.DRIVER, SampleDraws.stream(Ablation.FULL, "negative"));
        assertEquals(SampleDraws.DRIVER, SampleDraws.stream(Ablation.NO_ASCENT, "sentence"), "without ascent a pass over Ds makes the epoch");
        assertThrows(IllegalArgumentException.class, () -> new SampleDraws(0).index(0, 0, 0));
    }
}

package org.efuf4j.world.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.junit.jupiter.api.Test;

/** The scorer's labels per object, counted against the truth, and pooled over seeds. */
class ObjectLabelsTest {
    private static final ThresholdSet T = new ThresholdSet(10, 0, 5);

    @Test
    void hallucinatedMentionsAreCountedByTheThresholdTheyFallPast() {
        List<String> objects = List.of("clock", "dog", "clock", "clock", "dog", "clock", "cup", "dog");
        List<LabelledScore> scores = List.of(new LabelledScore(12, true), new LabelledScore(20, true), new LabelledScore(11, false),
                new LabelledScore(15, true), new LabelledScore(-3, false), new LabelledScore(5, false), new LabelledScore(-1, false),
                new LabelledScore(0, false));
        List<ObjectLabels> l = ObjectLabels.of(objects, scores, T);
        assertEquals(List.of("clock", "dog", "cup"), l.stream().map(ObjectLabels::object).toList(), "in order of first mention");
        // clock: present 12, 15; hallucinated 11 (above T0, learned) and 5 (between): none caught; every present above every hallucinated
        assertEquals(new ObjectLabels("clock", 2, 2, 0, 1, 1.0), l.get(0));
        assertEquals(0.0, l.get(0).caughtShare(), 0);
        // dog: present 20; hallucinated -3 (caught) and 0 (not below T1 = 0)
        assertEquals(new ObjectLabels("dog", 1, 2, 1, 0, 1.0), l.get(1));
        assertEquals(0.5, l.get(1).caughtShare(), 0);
        assertTrue(Double.isNaN(l.get(2).auc()), "no present cup to rank");
        assertEquals(1.0, l.get(2).caughtShare(), 0);
        assertTrue(Double.isNaN(new ObjectLabels("tv", 3, 0, 0, 0, Double.NaN).caughtShare()), "nothing hallucinated, nothing caught");
        // a present mention below a hallucinated one halves the pair's rank
        List<ObjectLabels> mixed = ObjectLabels.of(List.of("cup", "cup", "cup"),
                List.of(new LabelledScore(3, true), new LabelledScore(4, false), new LabelledScore(2, false)), T);
        assertEquals(0.5, mixed.getFirst().auc(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ObjectLabels.of(List.of("cup"), List.of(), T));
    }

    @Test
    void seedsPoolTheirCountsAndAverageTheirAucs() {
        ObjectLabels pooled = ObjectLabels.pool("clock", List.of(new ObjectLabels("clock", 10, 4, 1, 2, 0.8), new ObjectLabels("clock", 6, 4, 3, 0, Double.NaN),
                new ObjectLabels("clock", 4, 2, 0, 1, 0.6)));
        assertEquals(new ObjectLabels("clock", 20, 10, 4, 3, 0.7), new ObjectLabels(pooled.object(), pooled.present(), pooled.hallucinated(),
                pooled.hallucinatedBelowT1(), pooled.hallucinatedAboveT0(), Math.round(pooled.auc() * 1e12) / 1e12));
        assertThrows(IllegalArgumentException.class, () -> ObjectLabels.pool("clock", List.of(new ObjectLabels("dog", 1, 1, 0, 0, 1))));
    }
}

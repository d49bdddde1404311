package org.efuf4j.world.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.junit.jupiter.api.Test;

class ScoreDistributionTest {
    @Test void overlapOfNormalisedHistograms() {
        assertEquals(0, ScoreDistribution.overlap(new int[] {2, 0}, new int[] {0, 5}), 0);
        assertEquals(1, ScoreDistribution.overlap(new int[] {1, 3}, new int[] {2, 6}), 1e-12);
        // p = (0.5, 0.5), q = (0.25, 0.75): min sums to 0.75
        assertEquals(0.75, ScoreDistribution.overlap(new int[] {1, 1}, new int[] {1, 3}), 1e-12);
        assertEquals(Double.NaN, ScoreDistribution.overlap(new int[] {0, 0}, new int[] {1, 3}));
    }

    @Test void tailsCountWhatLiesBeyondTheThresholds() {
        List<LabelledScore> s = List.of(new LabelledScore(40, true), new LabelledScore(35, false), new LabelledScore(33, true),
                new LabelledScore(28, true), new LabelledScore(20, false), new LabelledScore(21, true), new LabelledScore(10, false));
        ScoreDistribution d = ScoreDistribution.of(s, new ThresholdSet(32, 23, 27.5));
        assertEquals(3, d.aboveT0());
        assertEquals(1, d.aboveT0Hallucinated());
        assertEquals(3, d.belowT1());
        assertEquals(1, d.belowT1Present());
        assertEquals(4, d.histogram().presentSummary().count());
        assertEquals((40 + 33 + 28 + 21) / 4.0, d.histogram().presentSummary().mean(), 1e-12);
        assertEquals((35 + 20 + 10) / 3.0, d.histogram().hallucinatedSummary().mean(), 1e-12);
    }
}

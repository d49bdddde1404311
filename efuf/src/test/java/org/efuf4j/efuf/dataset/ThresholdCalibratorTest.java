package org.efuf4j.efuf.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.efuf4j.efuf.dataset.ThresholdCalibrator.Calibration;
import org.junit.jupiter.api.Test;

/** Expected thresholds are worked out by hand from the small samples. */
class ThresholdCalibratorTest {

    /** 20 F, 21 F, 22 T, 23 F, 24 T, 25 F, 26 T, 27 T, 28 F, 29 T, 30 T, 31 T (7 real, 5 hallucinated) + one NaN. */
    private static List<LabelledScore> sample() {
        boolean[] present = {false, false, true, false, true, false, true, true, false, true, true, true};
        List<LabelledScore> sample = new ArrayList<>();
        for (int i = present.length - 1; i >= 0; i--) { // order must not matter
            sample.add(new LabelledScore(20 + i, present[i]));
        }
        sample.add(new LabelledScore(Double.NaN, true));
        return sample;
    }

    @Test
    void perfectPrecisionTakesTheCleanTails() {
        Calibration c = ThresholdCalibrator.fromLabels(sample(), 1.0);
        // D+ = {29, 30, 31}: lowest all-real tail; D- = {20, 21}: highest all-hallucinated head
        assertEquals(28.5, c.t0());
        assertEquals(21.5, c.t1());
        assertEquals(3, c.positives().size());
        assertEquals(1.0, c.positives().precision());
        assertEquals(3.0 / 7, c.positives().recall(), 1e-12);
        assertEquals(2, c.negatives().size());
        assertEquals(2.0 / 5, c.negatives().recall(), 1e-12);
        assertEquals(1, c.droppedNaN());
        assertEquals(new ThresholdSet(28.5, 21.5, 25), c.withT2(25));
    }

    @Test
    void lowerTargetBuysRecall() {
        Calibration c = ThresholdCalibrator.fromLabels(sample(), 0.8);
        // D+ above 25.5 = {26..31}: 5 of 6 real; no lower threshold reaches 0.8
        assertEquals(25.5, c.t0());
        assertEquals(5.0 / 6, c.positives().precision(), 1e-12);
        assertEquals(5.0 / 7, c.positives().recall(), 1e-12);
        assertEquals(21.5, c.t1()); // {20, 21, 22} is only 2/3 hallucinated
    }

    @Test
    void overlappingSetsPutT0AboveT1() {
        // at 0.5, D+ could start above 20.5 but D- reaches up to 29.5 (5 of {20..29} hallucinated): the sets must not
        // share a mention, so T0 is the lowest threshold above T1 reaching 0.5, 30.5 (D+ = {31})
        Calibration c = ThresholdCalibrator.fromLabels(sample(), 0.5);
        assertEquals(29.5, c.t1());
        assertEquals(30.5, c.t0());
        assertEquals(1, c.positives().size());
        assertEquals(1.0, c.positives().precision());
        assertEquals(10, c.negatives().size());
        // 1 F, 2 T, 3 T, 4 F: D+ reaches 0.6 above 1.5 (2 of 3), D- reaches 0.5 up to 2.5, and above 2.5 only {4} is left
        var e = assertThrows(IllegalArgumentException.class, () -> ThresholdCalibrator.fromLabels(List.of(new LabelledScore(1, false),
                new LabelledScore(2, true), new LabelledScore(3, true), new LabelledScore(4, false)), 0.6, 0.5));
        assertTrue(e.getMessage().contains("no threshold above T1 = 2.500 gives D+ a precision of 0.6"), e.getMessage());
    }

    @Test
    void unreachableTargetsAreAnError() {
        var unreachable = assertThrows(IllegalArgumentException.class, () -> ThresholdCalibrator.fromLabels(
                List.of(new LabelledScore(1, false), new LabelledScore(2, true), new LabelledScore(3, false)), 0.9, 0.5));
        assertTrue(unreachable.getMessage().contains("D+ a precision of 0.9"), unreachable.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ThresholdCalibrator.fromLabels(List.of(new LabelledScore(1, true)), 0.9));
    }

    @Test
    void percentilesInterpolateBetweenRanks() {
        double[] scores = {11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, Double.NaN};
        Calibration c = ThresholdCalibrator.fromPercentiles(scores, 10, 90);
        assertEquals(2, c.t1(), 1e-12);
        assertEquals(10, c.t0(), 1e-12);
        assertEquals(1, c.positives().size());
        assertEquals(1, c.negatives().size());
        assertTrue(Double.isNaN(c.positives().precision()));
        assertEquals(1, c.droppedNaN());
        assertEquals(3.5, ScoreStatistics.percentile(ScoreStatistics.sortedFinite(scores), 25), 1e-12);
        // hallucination rate 0.2, share 0.5: T1 at the 10th percentile, T0 at the 60th
        Calibration h = ThresholdCalibrator.fromHallucinationRate(scores, 0.2, 0.5);
        assertEquals(2, h.t1(), 1e-12);
        assertEquals(7, h.t0(), 1e-12);
    }

    @Test
    void sentenceThresholdGivesTheRequestedSetSize() {
        double t2 = ThresholdCalibrator.sentenceThreshold(new double[] {29, 25, Double.NaN, 27, 28, 26}, 2);
        assertEquals(27.5, t2, 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> ThresholdCalibrator.sentenceThreshold(new double[] {1, 2}, 2));
    }
}

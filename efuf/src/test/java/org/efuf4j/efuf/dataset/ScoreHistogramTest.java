package org.efuf4j.efuf.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreHistogramTest {

    @Test
    void binsScoresByLabelAndSummarisesEachGroup() {
        ScoreHistogram h = ScoreHistogram.of(List.of(
                        new LabelledScore(22.3, true), new LabelledScore(23.9, true),
                        new LabelledScore(24.0, false), new LabelledScore(25.5, false),
                        new LabelledScore(Double.NaN, false)),
                new double[] {21.0, Double.POSITIVE_INFINITY}, 1.0);
        assertEquals(21.0, h.firstBinStart());
        assertEquals(5, h.binCount());
        assertArrayEquals(new int[] {0, 1, 1, 0, 0}, h.present());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, h.hallucinated());
        assertArrayEquals(new int[] {1, 0, 0, 0, 0}, h.unlabelled());
        assertEquals(2, h.droppedNaN());
        assertEquals(23.1, h.presentSummary().mean(), 1e-12);
        assertEquals(0.8, h.presentSummary().std(), 1e-12);
        assertEquals(24.75, h.hallucinatedSummary().mean(), 1e-12);
        assertEquals(0.75, h.hallucinatedSummary().std(), 1e-12);
        assertEquals(1, h.unlabelledSummary().count());
        String[] csv = h.toCsv().split("\n");
        assertEquals("bin_start,bin_end,present,hallucinated,unlabelled", csv[0]);
        assertEquals("24.0000,25.0000,0,1,0", csv[4]);
        assertEquals(6, csv.length);
    }
}

package org.efuf4j.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

class WindowGridTest {

    @Test
    void oddImageFloorsCellCountsAndNumbersWindowsRowByRow() {
        // 53x38 px in 8-px cells: 6x4 cells (5 px and 6 px strips left over), 3x3-cell windows: 4x2 windows.
        WindowGrid g = WindowGrid.over(53, 38, 8, 3);
        assertEquals(6, g.cellsX());
        assertEquals(4, g.cellsY());
        assertEquals(4, g.windowsX());
        assertEquals(2, g.windowsY());
        assertEquals(8, g.windowCount());
        assertEquals(24, g.windowSize());
        int[][] expected = {{0, 0}, {8, 0}, {16, 0}, {24, 0}, {0, 8}, {8, 8}, {16, 8}, {24, 8}};
        for (int w = 0; w < 8; w++) {
            assertEquals(expected[w][0], g.windowLeft(w), "left of window " + w);
            assertEquals(expected[w][1], g.windowTop(w), "top of window " + w);
            // Every window lies inside the image.
            assertEquals(true, g.windowLeft(w) + g.windowSize() <= 53 && g.windowTop(w) + g.windowSize() <= 38);
        }
    }

    @Test
    void imagesSmallerThanOneWindowHaveNoGrid() {
        assertNull(WindowGrid.over(23, 40, 8, 3));
        assertNull(WindowGrid.over(40, 23, 8, 3));
        WindowGrid exact = WindowGrid.over(24, 31, 8, 3);
        assertEquals(1, exact.windowCount());
        assertThrows(IllegalArgumentException.class, () -> new WindowGrid(8, 3, 2, 5));
    }

    @Test
    void cellScoresAreTheMeanOfTheCoveringWindows() {
        Random r = new Random(3);
        for (int[] shape : new int[][] {{53, 38, 8, 3}, {100, 61, 7, 4}, {48, 48, 12, 4}, {19, 33, 3, 2}}) {
            WindowGrid g = WindowGrid.over(shape[0], shape[1], shape[2], shape[3]);
            float[] windows = new float[g.windowCount()];
            for (int i = 0; i < windows.length; i++) windows[i] = 20 + 15 * r.nextFloat();
            assertArrayEquals(cellScoresByCell(g, windows), g.cellScores(windows), 1e-4f);
        }
    }

    /** The straightforward way round: for each cell, look for the windows that contain it. */
    static float[] cellScoresByCell(WindowGrid g, float[] windows) {
        int k = g.windowCells();
        float[] cells = new float[g.cellCount()];
        for (int cy = 0; cy < g.cellsY(); cy++)
            for (int cx = 0; cx < g.cellsX(); cx++) {
                double sum = 0;
                int n = 0;
                for (int wy = 0; wy < g.windowsY(); wy++)
                    for (int wx = 0; wx < g.windowsX(); wx++)
                        if (wx <= cx && cx < wx + k && wy <= cy && cy < wy + k) {
                            sum += windows[wy * g.windowsX() + wx];
                            n++;
                        }
                cells[cy * g.cellsX() + cx] = (float) (sum / n);
            }
        return cells;
    }

    @Test
    void topKAndMax() {
        float[] v = {3, 9, 1, 7, 5};
        assertEquals((9 + 7 + 5) / 3f, WindowGrid.meanTopK(v, 3), 1e-6f);
        assertEquals(5f, WindowGrid.meanTopK(v, 10), 1e-6f);
        assertEquals(9f, WindowGrid.max(v));
    }
}

package org.efuf4j.clip;

import java.util.Arrays;

/**
 * The grid of square cells over an image and the windows of {@code windowCells x windowCells} cells that slide
 * over it one cell at a time. The grid starts at the top-left corner; a right or bottom strip narrower than a
 * cell belongs to no cell (as in the authors' code, which floors the cell counts).
 *
 * <p>Windows are numbered row by row: window {@code w} sits at cell column {@code w % windowsX()} and row
 * {@code w / windowsX()}. Cells are numbered row by row as well.
 */
public record WindowGrid(int cellSize, int windowCells, int cellsX, int cellsY) {

    public WindowGrid {
        if (cellSize <= 0 || windowCells <= 0 || cellsX < windowCells || cellsY < windowCells)
            throw new IllegalArgumentException("a grid needs at least one window: cells " + cellsX + "x" + cellsY
                    + ", window " + windowCells + " cells, cell size " + cellSize);
    }

    /** The grid over a {@code width x height} image, or null when the image is smaller than one window. */
    public static WindowGrid over(int width, int height, int cellSize, int windowCells) {
        int cx = width / cellSize, cy = height / cellSize;
        return cx < windowCells || cy < windowCells ? null : new WindowGrid(cellSize, windowCells, cx, cy);
    }

    public int windowsX() { return cellsX - windowCells + 1; }

    public int windowsY() { return cellsY - windowCells + 1; }

    public int windowCount() { return windowsX() * windowsY(); }

    public int cellCount() { return cellsX * cellsY; }

    /** Side of a window in pixels. */
    public int windowSize() { return windowCells * cellSize; }

    public int windowLeft(int window) { return (window % windowsX()) * cellSize; }

    public int windowTop(int window) { return (window / windowsX()) * cellSize; }

    /** Each cell's mean over the windows covering it; {@code windowScores} in window order. */
    public float[] cellScores(float[] windowScores) {
        if (windowScores.length != windowCount())
            throw new IllegalArgumentException("expected " + windowCount() + " window scores, got " + windowScores.length);
        double[] sum = new double[cellCount()];
        int[] count = new int[cellCount()];
        int wx = windowsX();
        for (int w = 0; w < windowScores.length; w++) {
            int x0 = w % wx, y0 = w / wx;
            for (int y = y0; y < y0 + windowCells; y++)
                for (int x = x0; x < x0 + windowCells; x++) {
                    sum[y * cellsX + x] += windowScores[w];
                    count[y * cellsX + x]++;
                }
        }
        float[] cells = new float[sum.length];
        for (int c = 0; c < cells.length; c++) cells[c] = (float) (sum[c] / count[c]);
        return cells;
    }

    /** The mean of the {@code k} largest values (all of them when fewer). */
    public static float meanTopK(float[] values, int k) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = Math.min(k, sorted.length);
        double sum = 0;
        for (int i = sorted.length - n; i < sorted.length; i++) sum += sorted[i];
        return (float) (sum / n);
    }

    public static float max(float[] values) {
        float best = Float.NEGATIVE_INFINITY;
        for (float v : values) best = Math.max(best, v);
        return best;
    }
}

package org.efuf4j.clip;

/** How an image is cut into crops and how the crops' scores become one score per object. */
public enum ScoringMode {
    /** One crop: the whole image. */
    WHOLE_IMAGE,
    /** The paper's: the best window of {@code windowCells x windowCells} cells, sliding one cell at a time. */
    SLIDING_WINDOW_MAX,
    /**
     * The authors' code: every window is scored, each cell takes the mean score of the windows that cover it,
     * and the image scores the mean of its {@code topK} best cells.
     */
    TOP_K_CELLS
}

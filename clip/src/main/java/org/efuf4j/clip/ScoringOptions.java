package org.efuf4j.clip;

/**
 * How {@link ClipScorer} scores an object in an image.
 *
 * @param mode        whole image, best window (paper) or mean of the top cells (authors' code)
 * @param cellSize    side of one grid cell in pixels of the original image
 * @param windowCells side of one window in cells; windows slide one cell at a time
 * @param topK        cells averaged by {@link ScoringMode#TOP_K_CELLS}
 * @param template    the text scored against the image; {@code {object}} is replaced by the object's name
 */
public record ScoringOptions(ScoringMode mode, int cellSize, int windowCells, int topK, String template) {
    public static final String OBJECT_PLACEHOLDER = "{object}";
    /** The paper's prompt. */
    public static final String PAPER_TEMPLATE = "A photo containing {object}.";

    public ScoringOptions {
        if (mode == null) throw new IllegalArgumentException("scoring mode must be given");
        if (cellSize <= 0) throw new IllegalArgumentException("cellSize must be positive, got " + cellSize);
        if (windowCells <= 0) throw new IllegalArgumentException("windowCells must be positive, got " + windowCells);
        if (topK <= 0) throw new IllegalArgumentException("topK must be positive, got " + topK);
        if (template == null || !template.contains(OBJECT_PLACEHOLDER))
            throw new IllegalArgumentException("template must contain " + OBJECT_PLACEHOLDER + ", got " + template);
    }

    /** The paper: maximum over 4x4-cell windows of 48-px cells (192-px windows, stride 48 px). */
    public static ScoringOptions paper() { return new ScoringOptions(ScoringMode.SLIDING_WINDOW_MAX, 48, 4, 4, PAPER_TEMPLATE); }

    /** The authors' implementation: 48-px cells, 4x4-cell windows, mean of the top-4 cells. */
    public static ScoringOptions implementation() { return new ScoringOptions(ScoringMode.TOP_K_CELLS, 48, 4, 4, PAPER_TEMPLATE); }

    /** The whole image as one crop, with the paper's prompt. */
    public static ScoringOptions wholeImage() { return new ScoringOptions(ScoringMode.WHOLE_IMAGE, 48, 4, 4, PAPER_TEMPLATE); }

    /** Small synthetic images use small cells. */
    public ScoringOptions withCellSize(int px) { return new ScoringOptions(mode, px, windowCells, topK, template); }

    public ScoringOptions withWindowCells(int cells) { return new ScoringOptions(mode, cellSize, cells, topK, template); }

    public ScoringOptions withTopK(int k) { return new ScoringOptions(mode, cellSize, windowCells, k, template); }

    public ScoringOptions withTemplate(String t) { return new ScoringOptions(mode, cellSize, windowCells, topK, t); }

    public ScoringOptions withMode(ScoringMode m) { return new ScoringOptions(m, cellSize, windowCells, topK, template); }

    /** The text scored for {@code object}. */
    public String prompt(String object) { return template.replace(OBJECT_PLACEHOLDER, object); }
}

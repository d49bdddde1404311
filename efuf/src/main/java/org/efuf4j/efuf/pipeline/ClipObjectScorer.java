package org.efuf4j.efuf.pipeline;

import java.nio.file.Path;
import java.util.List;

import org.efuf4j.clip.ClipScorer;
import org.efuf4j.clip.ScoringOptions;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.Device;

/** S(o) from the {@code clip} module's scorer: whole image, max over sliding windows (paper) or top-k cells (implementation). */
public final class ClipObjectScorer implements ObjectScorer {
    private final ClipScorer scorer;

    public ClipObjectScorer(ClipScorer scorer) { this.scorer = scorer; }

    /** @param mode whole-image, paper or implementation */
    public static ClipObjectScorer load(Path dir, String mode, Integer cellSize, Device device) {
        ModelDirectory.requireDirectory(dir, "CLIP model");
        ScoringOptions options = switch (mode) {
            case "whole-image" -> ScoringOptions.wholeImage();
            case "paper" -> ScoringOptions.paper();
            case "implementation" -> ScoringOptions.implementation();
            default -> throw new IllegalArgumentException("--scoring must be whole-image, paper or implementation; got " + mode);
        };
        if (cellSize != null) options = options.withCellSize(cellSize);
        return new ClipObjectScorer(ClipScorer.load(dir, options, device));
    }

    /**
     * Each object's text is encoded on its own before scoring (then cached). Encoded together, a text's embedding
     * depends in its last bits on the batch it shares (its padding, the kernel a batch size picks), so a score would
     * depend on which images came before: a resumed run, or a Spark partition, would not repeat a fresh run's records.
     */
    @Override public float[] score(RgbImage image, List<String> objects) {
        for (String o : objects) scorer.textEmbedding(o);
        return scorer.score(image, objects);
    }
}

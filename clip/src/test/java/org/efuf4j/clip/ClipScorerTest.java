package org.efuf4j.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.clip.ClipOutput;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipScorerTest {
    /** Scores are cosine x 100 of F32 embeddings summed in different orders: 1e-3 on a scale of +/-100 is ~1e-5 relative. */
    private static final float TOL = 1e-3f;
    private static final List<String> OBJECTS = List.of("dog", "red car", "surfboard", "zebra");

    @TempDir static Path dir;
    static ClipModel model;
    static ClipScorer scorer;

    @BeforeAll
    static void writeTinyRandomCheckpoint() {
        List<String> texts = new ArrayList<>(OBJECTS);
        texts.add(ScoringOptions.PAPER_TEMPLATE);
        texts.add("a picture of something");
        ClipVocabulary vocab = TinyClip.vocabulary(texts);
        model = new ClipModel(TinyClip.config(vocab), new Random(11));
        model.eval();
        PretrainedModels.save(model, dir);
        vocab.write(dir);
        // No preprocessor_config.json: the scorer falls back to CLIP's processing at the tower's 32 px.
        scorer = ClipScorer.load(dir, ScoringOptions.wholeImage());
    }

    /** Cosine x 100 from a plain forward of the in-memory model, one text at a time, no padding. */
    private static float[] direct(RgbImage image, List<String> objects, String template) {
        Tokenizer tok = scorer.tokenizer();
        Tensor pixels = ClipImageProcessor.clip(TinyClip.IMAGE_SIZE).preprocessBatch(List.of(image));
        float[] out = new float[objects.size()];
        try (NoGrad scope = NoGrad.enter()) {
            for (int o = 0; o < out.length; o++) {
                int[] ids = tok.encode(template.replace("{object}", objects.get(o)));
                long[] l = new long[ids.length];
                for (int i = 0; i < ids.length; i++) l[i] = ids[i];
                ClipOutput y = model.forward(Tensor.ofLongs(l, 1, l.length), null, pixels);
                float[] t = y.textEmbeds().value().toFloatArray(), im = y.imageEmbeds().value().toFloatArray();
                double dot = 0;
                for (int k = 0; k < t.length; k++) dot += (double) t[k] * im[k];
                out[o] = (float) (100 * dot);
                // The logits carry the learned temperature instead of the fixed 100.
                float scale = (float) Math.exp(model.logitScale.value().toFloatArray()[0]);
                assertEquals(scale * dot, y.logitsPerImage().value().toFloatArray()[0], 1e-3 * scale);
            }
        }
        return out;
    }

    @Test
    void wholeImageScoreIsCosineTimes100OfTheModelsEmbeddings() {
        RgbImage image = TinyClip.noise(50, 41, new Random(5));
        float[] expected = direct(image, OBJECTS, ScoringOptions.PAPER_TEMPLATE);
        float[] got = scorer.score(image, OBJECTS);
        assertArrayEquals(expected, got, TOL);
        // A random model still tells texts apart: the scores are not all one number.
        assertNotEquals(got[0], got[1], 1e-3f);
        for (float s : got) assertTrue(Math.abs(s) <= 100.0001f, "cosine x 100 lies in [-100, 100], got " + s);
    }

    @Test
    void slidingWindowMaxIsTheBestWindowCrop() {
        RgbImage image = TinyClip.noise(53, 38, new Random(6));
        ScoringOptions options = new ScoringOptions(ScoringMode.SLIDING_WINDOW_MAX, 8, 3, 4, ScoringOptions.PAPER_TEMPLATE);
        float[][] windows = windowScoresByHand(image, 8, 3);
        float[] expected = new float[OBJECTS.size()];
        for (int o = 0; o < expected.length; o++) {
            expected[o] = Float.NEGATIVE_INFINITY;
            for (float[] w : windows) expected[o] = Math.max(expected[o], w[o]);
        }
        assertArrayEquals(expected, scorer.withOptions(options).score(image, OBJECTS), TOL);
    }

    @Test
    void topKCellsAveragesCoveringWindowsThenTheBestCells() {
        RgbImage image = TinyClip.noise(53, 38, new Random(7));
        ScoringOptions options = new ScoringOptions(ScoringMode.TOP_K_CELLS, 8, 3, 5, ScoringOptions.PAPER_TEMPLATE);
        float[][] windows = windowScoresByHand(image, 8, 3);
        WindowGrid grid = WindowGrid.over(53, 38, 8, 3);
        float[] expected = new float[OBJECTS.size()];
        for (int o = 0; o < expected.length; o++) {
            float[] perWindow = new float[windows.length];
            for (int w = 0; w < windows.length; w++) perWindow[w] = windows[w][o];
            float[] cells = WindowGridTest.cellScoresByCell(grid, perWindow);
            Arrays.sort(cells);
            double sum = 0;
            for (int i = cells.length - 5; i < cells.length; i++) sum += cells[i];
            expected[o] = (float) (sum / 5);
        }
        assertArrayEquals(expected, scorer.withOptions(options).score(image, OBJECTS), TOL);
    }

    /** Scores of each 3x3-cell window of 8-px cells, cropped by hand: 6x4 cells, so 4x2 windows, row by row. */
    private static float[][] windowScoresByHand(RgbImage image, int cell, int cells) {
        List<float[]> out = new ArrayList<>();
        for (int top = 0; top + cells * cell <= (image.height() / cell) * cell; top += cell)
            for (int left = 0; left + cells * cell <= (image.width() / cell) * cell; left += cell)
                out.add(direct(image.crop(left, top, cells * cell, cells * cell), OBJECTS, ScoringOptions.PAPER_TEMPLATE));
        assertEquals(8, out.size());
        return out.toArray(new float[0][]);
    }

    @Test
    void imagesSmallerThanOneWindowFallBackToTheWholeImage() {
        RgbImage small = TinyClip.noise(20, 30, new Random(8));
        float[] whole = scorer.score(small, OBJECTS);
        for (ScoringMode mode : new ScoringMode[] {ScoringMode.SLIDING_WINDOW_MAX, ScoringMode.TOP_K_CELLS}) {
            ScoringOptions o = new ScoringOptions(mode, 8, 3, 4, ScoringOptions.PAPER_TEMPLATE);
            assertArrayEquals(whole, scorer.withOptions(o).score(small, OBJECTS), 1e-5f, mode.name());
        }
        // The paper's 48-px cells and 4-cell windows need 192 px: a 32-px image is scored whole.
        assertArrayEquals(scorer.score(TinyClip.noise(32, 32, new Random(9)), OBJECTS),
                scorer.withOptions(ScoringOptions.paper()).score(TinyClip.noise(32, 32, new Random(9)), OBJECTS), 1e-5f);
    }

    @Test
    void textEmbeddingsAreCachedPerPrompt() {
        ClipScorer fresh = new ClipScorer(model, scorer.tokenizer(), scorer.preprocessor(), ScoringOptions.wholeImage());
        RgbImage image = TinyClip.noise(32, 32, new Random(10));
        float[] first = fresh.score(image, List.of("dog", "zebra"));
        assertEquals(2, fresh.textsEncoded());
        float[] again = fresh.score(image, List.of("zebra", "dog", "surfboard", "dog"));
        assertEquals(3, fresh.textsEncoded(), "only the new object is encoded");
        assertEquals(3, fresh.cachedTexts());
        assertEquals(first[0], again[1], 0f);
        assertEquals(first[1], again[0], 0f);
        assertEquals(again[1], again[3], 0f);
        // Another template shares the cache but is another prompt.
        ClipScorer other = fresh.withOptions(ScoringOptions.wholeImage().withTemplate("a picture of {object}"));
        float[] otherScores = other.score(image, List.of("dog"));
        assertEquals(4, fresh.textsEncoded());
        assertArrayEquals(direct(image, List.of("dog"), "a picture of {object}"), otherScores, TOL);
        fresh.score(image, List.of("dog"));
        assertEquals(4, other.textsEncoded());
    }

    @Test
    void batchedScoringEqualsOneImageAtATime() {
        Random r = new Random(12);
        List<RgbImage> images = List.of(TinyClip.noise(53, 38, r), TinyClip.noise(20, 20, r), TinyClip.noise(40, 64, r));
        List<List<String>> objects = List.of(OBJECTS, List.of("zebra"), List.of("surfboard", "dog"));
        assertEquals(0, scorer.scoreAll(images, List.of(List.of(), List.of(), List.of())).get(1).length);
        ClipScorer windowed = scorer.withOptions(ScoringOptions.implementation().withCellSize(8).withWindowCells(3));
        List<float[]> batched = windowed.withImageBatch(5).scoreAll(images, objects);
        for (int i = 0; i < images.size(); i++)
            assertArrayEquals(windowed.score(images.get(i), objects.get(i)), batched.get(i), TOL, "image " + i);
        assertThrows(IllegalArgumentException.class, () -> scorer.scoreAll(images, objects.subList(0, 2)));
    }

    @Test
    void optionsCheckTheirSettings() {
        assertEquals(ScoringMode.SLIDING_WINDOW_MAX, ScoringOptions.paper().mode());
        assertEquals(192, ScoringOptions.paper().cellSize() * ScoringOptions.paper().windowCells());
        assertEquals(4, ScoringOptions.implementation().topK());
        assertEquals("A photo containing dog.", ScoringOptions.paper().prompt("dog"));
        assertThrows(IllegalArgumentException.class, () -> ScoringOptions.paper().withTemplate("no placeholder"));
        assertThrows(IllegalArgumentException.class, () -> ScoringOptions.paper().withCellSize(0));
        assertThrows(IllegalArgumentException.class,
                () -> new ClipScorer(model, scorer.tokenizer(), ClipImageProcessor.clip(64), ScoringOptions.paper()));
    }
}

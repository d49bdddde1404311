package org.efuf4j.plots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.ScoreHistogram;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.efuf4j.efuf.pipeline.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XChartFiguresTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void theMethodFindsThisRendererThroughTheServiceRegistry() {
        assertInstanceOf(XChartFigures.class, Figures.installed());
    }

    @Test
    void scoreHistogramAndCurvesAreReadablePngs(@TempDir Path dir) throws Exception {
        ScoreHistogram h = ScoreHistogram.of(List.of(new LabelledScore(33, true), new LabelledScore(20, false)), new double[] {25, 26}, 1.0);
        Path hist = dir.resolve("hist.png");
        Figures.installed().scoreHistogram(h, ThresholdSet.PAPER, hist);
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("loss", new double[] {3, 2, Double.NaN, 1});
        Path curves = dir.resolve("curves.png");
        Figures.installed().curves("losses", new long[] {1, 2, 3, 4}, series, curves);
        for (Path png : List.of(hist, curves)) {
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(Files.readAllBytes(png), 4), png.toString());
            BufferedImage img = ImageIO.read(png.toFile());
            assertTrue(img.getWidth() == 900 && img.getHeight() == 520, png + " is " + img.getWidth() + "x" + img.getHeight());
        }
    }
}

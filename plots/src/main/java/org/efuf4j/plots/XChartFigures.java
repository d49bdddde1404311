package org.efuf4j.plots;

import java.nio.file.Path;
import java.util.Map;

import org.efuf4j.efuf.dataset.ScoreHistogram;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.efuf4j.efuf.pipeline.Figures;

/** The method's figures drawn with XChart; found by {@link Figures#installed()} through the service registry. */
public final class XChartFigures implements Figures {
    @Override
    public void scoreHistogram(ScoreHistogram histogram, ThresholdSet thresholds, Path png) {
        Charts.scoreHistogram(histogram, thresholds, png);
    }

    @Override
    public void curves(String title, long[] steps, Map<String, double[]> series, Path png) {
        Charts.curves(title, steps, series, png);
    }
}

package org.efuf4j.efuf.pipeline;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import org.efuf4j.efuf.dataset.ScoreHistogram;
import org.efuf4j.efuf.dataset.ThresholdSet;

/**
 * The pictures the stages draw beside their data files (the score histogram of dataset formation, the unlearning
 * loss curves). The method depends on no plotting library: a renderer is found at run time, as backends are, and
 * without one a stage writes its data files (CSV, JSONL) and no PNG.
 */
public interface Figures {
    /** The paper's Figure 2 on this run: counts per score bin, the thresholds named in the title. */
    void scoreHistogram(ScoreHistogram histogram, ThresholdSet thresholds, Path png);

    /** One line per named series over steps; NaN points (a term not computed that step) are left out. */
    void curves(String title, long[] steps, Map<String, double[]> series, Path png);

    /** Draws nothing. */
    Figures NONE = new Figures() {
        @Override public void scoreHistogram(ScoreHistogram histogram, ThresholdSet thresholds, Path png) {}
        @Override public void curves(String title, long[] steps, Map<String, double[]> series, Path png) {}
    };

    /** The first renderer on the class path (the {@code plots} module's), or {@link #NONE}. */
    static Figures installed() {
        return ServiceLoader.load(Figures.class).findFirst().orElse(NONE);
    }
}

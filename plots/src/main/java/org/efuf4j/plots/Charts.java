package org.efuf4j.plots;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.efuf4j.efuf.dataset.ScoreHistogram;
import org.efuf4j.efuf.dataset.ThresholdSet;
import org.efuf4j.tensor.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The pictures of a run: the score distribution (the paper's Figure 2) and training curves, as PNG. */
public final class Charts {
    static { System.setProperty("java.awt.headless", "true"); }

    private Charts() {}

    /** Bars of real, hallucinated and unlabelled object counts per score bin, the thresholds named in the title. */
    public static void scoreHistogram(ScoreHistogram h, ThresholdSet thresholds, Path png) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(520)
                .title(String.format(Locale.ROOT, "Object scores S(o): T1=%.2f  T2=%.2f  T0=%.2f", thresholds.t1(), thresholds.t2(), thresholds.t0()))
                .xAxisTitle("CLIP score (cosine x 100), bin start").yAxisTitle("objects").build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(60);
        List<String> bins = new ArrayList<>();
        for (int b = 0; b < h.binCount(); b++) bins.add(String.format(Locale.ROOT, "%.1f", h.binStart(b)));
        boolean labelled = h.presentSummary().count() + h.hallucinatedSummary().count() > 0;
        if (h.unlabelledSummary().count() > 0) chart.addSeries("unlabelled", bins, counts(h.unlabelled()));
        if (labelled) {
            chart.addSeries("real", bins, counts(h.present()));
            chart.addSeries("hallucinated", bins, counts(h.hallucinated()));
        }
        if (bins.isEmpty()) throw new IllegalArgumentException("no finite scores to plot");
        save(chart, png);
    }

    /**
     * Series of any lengths, value {@code i} at step {@code i + 1} (losses logged once per step from the first): the
     * shorter ones padded with NaN, so each line ends where its log does. Draws nothing when every series is empty.
     */
    public static void curvesFromStepOne(String title, Map<String, double[]> series, Path png) {
        int longest = series.values().stream().mapToInt(v -> v.length).max().orElse(0);
        if (longest == 0) return;
        long[] steps = new long[longest];
        for (int i = 0; i < longest; i++) steps[i] = i + 1;
        Map<String, double[]> padded = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] p = java.util.Arrays.copyOf(e.getValue(), longest);
            java.util.Arrays.fill(p, e.getValue().length, longest, Double.NaN);
            padded.put(e.getKey(), p);
        }
        curves(title, steps, padded, png);
    }

    /** One line per named series over steps; NaN points (a loss not computed that step) are left out. */
    public static void curves(String title, long[] steps, Map<String, double[]> series, Path png) {
        curves(title, "step", "loss", steps, series, png);
    }

    /** One line per named series over integer x values, with named axes; NaN points are left out. */
    public static void curves(String title, String xTitle, String yTitle, long[] steps, Map<String, double[]> series, Path png) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (int i = 0; i < steps.length; i++) {
                if (Double.isFinite(e.getValue()[i])) { x.add((double) steps[i]); y.add(e.getValue()[i]); }
            }
            if (x.isEmpty()) continue;
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.NONE);
        }
        save(chart, png);
    }

    private static List<Integer> counts(int[] c) {
        List<Integer> out = new ArrayList<>(c.length);
        for (int v : c) out.add(v);
        return out;
    }

    private static void save(Chart<?, ?> chart, Path png) {
        AtomicFiles.write(png, out -> {
            try {
                out.write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            } catch (IOException e) {
                throw e;
            }
        });
    }
}

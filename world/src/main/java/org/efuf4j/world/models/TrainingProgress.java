package org.efuf4j.world.models;

import java.util.Locale;
import java.util.function.Consumer;

/** Progress lines of a training run: step, loss (smoothed), examples per second and the time left. */
final class TrainingProgress {
    private final String name;
    private final int totalSteps;
    private final int every;
    private final Consumer<String> out;
    private final long start = System.nanoTime();
    private double smoothed = Double.NaN;

    TrainingProgress(String name, int totalSteps, Consumer<String> out) {
        this.name = name;
        this.totalSteps = totalSteps;
        this.every = Math.max(1, totalSteps / 20);
        this.out = out;
    }

    /** Records step {@code step} (1-based) with its loss after {@code examples} examples in all. */
    void step(int step, double loss, long examples) {
        smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
        if (step % every != 0 && step != totalSteps && step != 1) return;
        double seconds = (System.nanoTime() - start) / 1e9;
        double eta = seconds / step * (totalSteps - step);
        out.accept(String.format(Locale.ROOT, "%s step %d/%d loss %.4f (avg %.4f) %.1f ex/s elapsed %s eta %s", name, step,
                totalSteps, loss, smoothed, examples / Math.max(seconds, 1e-9), clock(seconds), clock(eta)));
    }

    double elapsedSeconds() { return (System.nanoTime() - start) / 1e9; }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}

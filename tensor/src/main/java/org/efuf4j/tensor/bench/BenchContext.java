package org.efuf4j.tensor.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What a benchmark run was asked for, and where results go. Results are one machine-readable line
 * each: {@code gemm n=1024 dtype=f32 threads=2 gflops=187.3}.
 *
 * @param threads worker threads in the shared pool
 * @param quick   fewer sizes and repetitions (a smoke run, e.g. in CI)
 */
public record BenchContext(int threads, boolean quick, PrintStream out) {

    /** Prints one result line: the benchmark name, then {@code key=value} pairs in the order given. */
    public void result(String name, Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("result(" + name + ") needs key/value pairs");
        StringBuilder sb = new StringBuilder(name);
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            String s = v instanceof Double || v instanceof Float ? String.format(Locale.ROOT, "%.4g", ((Number) v).doubleValue()) : String.valueOf(v);
            sb.append(' ').append(keyValues[i]).append('=').append(s);
        }
        out.println(sb);
        out.flush();
    }

    /**
     * Median seconds per call of {@code body}, after warm-up, repeating until about {@code seconds} have passed
     * (at least 3 timed calls).
     */
    public double time(double seconds, Runnable body) {
        double budget = quick ? Math.min(seconds, 0.3) : seconds;
        long warmEnd = System.nanoTime() + (long) (budget * 0.3e9);
        do body.run(); while (System.nanoTime() < warmEnd);
        java.util.ArrayList<Double> samples = new java.util.ArrayList<>();
        long end = System.nanoTime() + (long) (budget * 1e9);
        while (samples.size() < 3 || System.nanoTime() < end) {
            long t0 = System.nanoTime();
            body.run();
            samples.add((System.nanoTime() - t0) / 1e9);
            if (samples.size() > 10000) break;
        }
        java.util.Collections.sort(samples);
        return samples.get(samples.size() / 2);
    }
}

package org.efuf4j.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one shared worker pool, sized to the cores (or {@code -Defuf4j.threads=N} / {@code EFUF4J_THREADS}).
 * Kernels split index ranges over it; a range body is created once per kernel call, never per element.
 */
public final class Parallel {
    /** Work on the half-open index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody { void run(int start, int end); }

    private static volatile int threads = configuredThreads();
    private static volatile ForkJoinPool pool = newPool(threads);

    private Parallel() {}

    private static int configuredThreads() {
        String s = System.getProperty("efuf4j.threads", System.getenv("EFUF4J_THREADS"));
        if (s != null && !s.isBlank()) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the core count
            }
            throw new IllegalArgumentException("efuf4j.threads / EFUF4J_THREADS must be a positive integer, got '" + s + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(n, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("efuf4j-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    public static int threads() { return threads; }

    /** Resizes the shared pool (benchmarks compare thread counts). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = newPool(n);
        threads = n;
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into pieces of at least {@code grain} indices, at most a
     * few per thread. Runs inline when one thread suffices.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int pieces = (int) Math.min((long) t * 4, Math.max(1, n / Math.max(1, grain)));
        if (t == 1 || pieces <= 1) {
            body.run(0, n);
            return;
        }
        Split task = new Split(body, 0, n, Math.max(1, (n + pieces - 1) / pieces));
        if (java.util.concurrent.ForkJoinTask.getPool() == pool) task.invoke();
        else pool.invoke(task);
    }

    private static final class Split extends RecursiveAction {
        private final RangeBody body;
        private final int start, end, piece;

        Split(RangeBody body, int start, int end, int piece) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.piece = piece;
        }

        @Override protected void compute() {
            if (end - start <= piece) {
                body.run(start, end);
                return;
            }
            int mid = start + ((end - start) / piece / 2) * piece;
            if (mid <= start) mid = start + piece;
            invokeAll(new Split(body, start, mid, piece), new Split(body, mid, end, piece));
        }
    }
}

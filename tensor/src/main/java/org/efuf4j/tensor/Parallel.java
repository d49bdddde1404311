package org.efuf4j.tensor;

import java.util.concurrent.ForkJoinPool;

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
     *
     * <p>The calling thread works too: it and up to {@code threads - 1} pool helpers claim pieces from one counter
     * until none is left, then the caller waits for pieces still running elsewhere. A kernel of a few hundred
     * microseconds therefore never waits for sleeping pool threads to wake up (under a neighbour's load that took
     * longer than the kernel), and a helper descheduled by another process only delays the piece it holds.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int pieces = (int) Math.min((long) t * 4, Math.max(1, n / Math.max(1, grain)));
        if (t == 1 || pieces <= 1) {
            body.run(0, n);
            return;
        }
        Job job = new Job(body, n, (n + pieces - 1) / pieces);
        ForkJoinPool p = pool;
        for (int h = Math.min(t - 1, job.pieces - 1); h > 0; h--) p.execute(job::work);
        job.work();
        job.awaitAll();
    }

    /** One forRange call: pieces claimed from a counter, a count of finished ones, the first failure. */
    private static final class Job {
        private final RangeBody body;
        private final int n, piece, pieces;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.CountDownLatch finished;
        private volatile Throwable failure;

        Job(RangeBody body, int n, int piece) {
            this.body = body;
            this.n = n;
            this.piece = piece;
            this.pieces = (n + piece - 1) / piece;
            this.finished = new java.util.concurrent.CountDownLatch(pieces);
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < pieces; ) {
                try {
                    if (failure == null) body.run(i * piece, Math.min(n, (i + 1) * piece));
                } catch (Throwable e) {
                    synchronized (this) { if (failure == null) failure = e; }
                } finally {
                    finished.countDown();
                }
            }
        }

        /** Waits for the pieces other threads hold (spinning briefly first: they usually end within microseconds). */
        void awaitAll() {
            for (int spins = 0; finished.getCount() > 0 && spins < 20_000; spins++) Thread.onSpinWait();
            boolean interrupted = false;
            while (true) {
                try {
                    finished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            Throwable f = failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            if (f != null) throw new IllegalStateException(f);
        }
    }
}

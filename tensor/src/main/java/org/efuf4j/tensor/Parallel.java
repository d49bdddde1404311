package org.efuf4j.tensor;

/**
 * The one shared worker crew, sized to the cores (or {@code -Defuf4j.threads=N} / {@code EFUF4J_THREADS}).
 * Kernels split index ranges over it; a range body is created once per kernel call, never per element.
 *
 * <p>The crew is {@code threads - 1} daemon threads that, after each job, spin for {@link #SPIN_NANOS} watching for
 * the next one before they park. A training step or a decode runs hundreds of kernels of tens to hundreds of
 * microseconds back to back; with workers that park at once (a ForkJoinPool, as before), every kernel waited for a
 * wake-up, and on a machine shared with other processes a woken thread waits behind them in the run queue for longer
 * than the kernel takes. BLAS libraries keep their threads spinning for the same reason.
 */
public final class Parallel {
    /** Work on the half-open index range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody { void run(int start, int end); }

    /** How long an idle worker keeps watching for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;

    private static volatile int threads = configuredThreads();
    private static volatile Crew crew = new Crew(threads - 1);

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

    public static int threads() { return threads; }

    /** Resizes the shared crew (benchmarks compare thread counts). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        Crew old = crew;
        crew = new Crew(n - 1);
        threads = n;
        old.stop();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into pieces of at least {@code grain} indices, at most a
     * few per thread. Runs inline when one thread suffices.
     *
     * <p>The calling thread works too: it and the crew claim pieces from one counter until none is left, then the
     * caller waits for pieces still running elsewhere, so a worker descheduled by another process delays only the
     * piece it holds. A call made while the crew is busy (from inside a piece, or from a second application thread)
     * runs its pieces on the calling thread: the crew is already working for the outer call.
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
        Crew c = crew;
        boolean posted = c.post(job);
        try {
            job.work();
            job.awaitAll();
        } finally {
            if (posted) c.clear(job);
        }
    }

    /** The worker threads and the one job they currently serve. */
    private static final class Crew {
        private final Thread[] workers;
        private final java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
        private final boolean[] waiting;
        private volatile Job current;
        private volatile long sequence;
        private volatile boolean stopped;

        Crew(int size) {
            workers = new Thread[size];
            waiting = new boolean[size];
            for (int i = 0; i < size; i++) {
                int index = i;
                Thread w = new Thread(() -> serve(index), "efuf4j-" + (i + 1));
                w.setDaemon(true);
                workers[i] = w;
                w.start();
            }
        }

        /** Hands {@code job} to the crew, unless it is serving another one. */
        boolean post(Job job) {
            if (workers.length == 0 || !busy.compareAndSet(false, true)) return false;
            current = job;
            sequence++; // volatile write after current: a worker that sees the new sequence sees the job
            for (int i = 0; i < workers.length; i++) if (waitingFlag(i)) java.util.concurrent.locks.LockSupport.unpark(workers[i]);
            return true;
        }

        void clear(Job job) {
            if (current == job) current = null;
            busy.set(false);
        }

        void stop() {
            stopped = true;
            for (Thread w : workers) java.util.concurrent.locks.LockSupport.unpark(w);
        }

        private boolean waitingFlag(int i) {
            synchronized (waiting) { return waiting[i]; }
        }

        private void setWaiting(int i, boolean v) {
            synchronized (waiting) { waiting[i] = v; }
        }

        private void serve(int index) {
            long seen = sequence;
            while (!stopped) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (sequence == seen && !stopped && System.nanoTime() < spinUntil) Thread.onSpinWait();
                if (sequence == seen && !stopped) {
                    setWaiting(index, true);
                    // re-check after announcing: a post that bumped the sequence before seeing the flag is caught here
                    while (sequence == seen && !stopped) java.util.concurrent.locks.LockSupport.park(this);
                    setWaiting(index, false);
                }
                seen = sequence;
                Job job = current;
                if (job != null) job.work();
            }
        }
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

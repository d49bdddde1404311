package org.efuf4j.tensor.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Timed bursts on request, for the interleaved comparison scripts ({@code scripts/bench/*_interleaved.py}): they
 * alternate short bursts of a long-lived JVM and of NumPy/PyTorch, so load from neighbours on a shared machine hits
 * both sides alike and the ratio stays meaningful where runs made minutes apart are not.
 *
 * <p>Protocol, one line each way: {@code "<workload words...> <seconds>"} in, {@code "seconds=<median call>"} out;
 * an empty line or end of input stops. A workload is built (and warmed until the JIT is quiet) the first time its
 * words are seen.
 */
public final class Bursts {
    private Bursts() {}

    /** Serves requests on stdin; {@code workload} turns the words before the seconds into the call to time. */
    public static void serve(Function<List<String>, Runnable> workload) throws java.io.IOException {
        Map<List<String>, Runnable> built = new HashMap<>();
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.isBlank(); ) {
            List<String> words = List.of(line.trim().split("\\s+"));
            double seconds = Double.parseDouble(words.getLast());
            Runnable call = built.computeIfAbsent(words.subList(0, words.size() - 1), w -> {
                Runnable r = workload.apply(w);
                warmUp(r, 0.5);
                return r;
            });
            System.out.println("seconds=" + medianCallSeconds(call, seconds));
            System.out.flush();
        }
    }

    /**
     * Runs {@code body} untimed until the JIT has compiled nothing for {@code quietSeconds} (at most 30 s). On a loaded
     * machine the C2 threads get little CPU and lag by seconds; until they catch up, a path not compiled yet (a new
     * shape's edge branch, a deoptimised method) runs Vector API code in C1 or the interpreter, 10-100x slower, and
     * that, not the kernel, would dominate the measurement.
     */
    public static void warmUp(Runnable body, double quietSeconds) {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime(), quietSince = start, compiled = jit.getTotalCompilationTime();
        long quiet = (long) (quietSeconds * 1e9);
        do {
            body.run();
            long now = System.nanoTime(), c = jit.getTotalCompilationTime();
            if (c != compiled) {
                compiled = c;
                quietSince = now;
            }
            if (now - quietSince >= quiet) return;
        } while (System.nanoTime() - start < 30_000_000_000L);
    }

    /** Median seconds per call over a burst of at least three calls and {@code seconds} of wall time. */
    public static double medianCallSeconds(Runnable body, double seconds) {
        double[] samples = new double[16];
        int count = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            body.run();
            if (count == samples.length) samples = Arrays.copyOf(samples, count * 2);
            samples[count++] = (System.nanoTime() - t0) / 1e9;
        } while (count < 3 || System.nanoTime() < end);
        double[] s = Arrays.copyOf(samples, count);
        Arrays.sort(s);
        return s[count / 2];
    }
}

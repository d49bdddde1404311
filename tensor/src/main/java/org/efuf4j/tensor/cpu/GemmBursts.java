package org.efuf4j.tensor.cpu;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;

/**
 * Square F32 GEMM bursts on request, for {@code scripts/bench/gemm_interleaved.py}: that script alternates short
 * bursts of this process and of NumPy, so a neighbour's load on a shared machine hits both sides alike and the
 * ratio stays meaningful where back-to-back runs minutes apart are not.
 *
 * <p>Protocol, one line each way: {@code "<m> <k> <n> <seconds>"} in (an {@code [m, k] x [k, n]} product),
 * {@code "gflops=<wall GFLOP/s>"} out (the median call of the burst); an empty line or end of input stops. Usage: {@code java ... GemmBursts <threads>}.
 */
public final class GemmBursts {
    private GemmBursts() {}

    public static void main(String[] args) throws Exception {
        Parallel.setThreads(args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors());
        Map<String, Tensor[]> operands = new HashMap<>();
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.isBlank(); ) {
            String[] f = line.trim().split("\\s+");
            int m = Integer.parseInt(f[0]), k = Integer.parseInt(f[1]), n = Integer.parseInt(f[2]);
            double seconds = Double.parseDouble(f[3]);
            Tensor[] ab = operands.computeIfAbsent(m + "x" + k + "x" + n, key -> {
                Tensor[] t = {BenchData.random(DType.F32, 1, m, k), BenchData.random(DType.F32, 2, k, n)};
                BenchData.warmUntilCompiled(() -> CpuBackend.INSTANCE.matmul(t[0], t[1]), 0.5);
                return t;
            });
            double median = medianCallSeconds(() -> CpuBackend.INSTANCE.matmul(ab[0], ab[1]), seconds);
            System.out.println("gflops=" + 2.0 * m * k * n / median / 1e9);
            System.out.flush();
        }
    }

    private static double medianCallSeconds(Runnable body, double seconds) {
        double[] samples = new double[16];
        int count = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            body.run();
            if (count == samples.length) samples = java.util.Arrays.copyOf(samples, count * 2);
            samples[count++] = (System.nanoTime() - t0) / 1e9;
        } while (count < 3 || System.nanoTime() < end);
        double[] s = java.util.Arrays.copyOf(samples, count);
        java.util.Arrays.sort(s);
        return s[count / 2];
    }
}

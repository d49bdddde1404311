package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;
import org.junit.jupiter.api.Test;

/** The GEMM suite is found through the service registry and prints every op at every quick size (no timing is asserted). */
class GemmBenchSuiteTest {
    private static final Pattern GFLOPS = Pattern.compile(" gflops=([0-9.]+)");

    @Test
    void quickRunReportsEveryOpAndSize() throws Exception {
        BenchSuite suite = ServiceLoader.load(BenchSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("gemm")).findFirst().orElseThrow();
        int threads = Parallel.threads();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            suite.run(new BenchContext(2, true, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        } finally {
            Parallel.setThreads(threads);
        }
        List<String> lines = Arrays.asList(bytes.toString(StandardCharsets.UTF_8).strip().split("\n"));
        String all = String.join("\n", lines);
        for (int n : new int[] {256, 512}) {
            for (String op : new String[] {"dtype=f32 op=matmul", "dtype=f32 op=sgemm", "dtype=f32 op=linear", "dtype=bf16 op=linear"}) {
                String head = "gemm n=" + n + " " + op + " threads=2";
                String line = lines.stream().filter(l -> l.startsWith(head + " ")).findFirst().orElse(null);
                assertTrue(line != null, "no line starting '" + head + "' in\n" + all);
                Matcher m = GFLOPS.matcher(line);
                assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, line);
            }
            assertEquals(1, lines.stream().filter(l -> l.startsWith("gemm-bf16-vs-f32 n=" + n + " ")).count(), all);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("gemm-kernel mr=" + Gemm.MR + " nr=" + Gemm.NR + " ")), all);
    }
}

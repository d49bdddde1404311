package org.efuf4j.models.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;
import org.junit.jupiter.api.Test;

/** The decode suite runs its quick shape end to end and leaves no checkpoint behind (no timing is asserted). */
class DecodeBenchSuiteTest {

    @Test
    void quickRunReportsOneStepRateAndRemovesItsCheckpoint() throws Exception {
        List<Path> before = scratch();
        BenchSuite suite = ServiceLoader.load(BenchSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("decode")).findFirst().orElseThrow();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        suite.run(new BenchContext(2, true, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(1, lines.length, String.join("\n", lines));
        // the quick model: hidden 512, FFN 1376, 2 layers, vocab 32000, BF16; a step reads every weight but the embedding
        long perLayer = 4L * 512 * 512 + 3L * 512 * 1376 + 2L * 512;
        double expectedMb = (2 * perLayer + 512 + 32000L * 512 + 512) * 2 / 1e6;
        assertEquals(expectedMb, figure(lines[0], "weight_mb"), 0.006, lines[0]); // printed to four significant digits
        assertTrue(figure(lines[0], "tokens_per_s") > 0 && figure(lines[0], "mapped_gbs") > 0, lines[0]);
        assertEquals(before, scratch(), "the benchmark's checkpoint directory is removed");
    }

    private static double figure(String line, String key) {
        Matcher m = Pattern.compile("\\b" + key + "=([0-9.eE+-]+)").matcher(line);
        assertTrue(m.find(), key + " in " + line);
        return Double.parseDouble(m.group(1));
    }

    /** The decode benchmarks' scratch directories in both places they may be made. */
    private static List<Path> scratch() throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (Path root : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> p.getFileName().toString().startsWith("efuf-decode-bench")).sorted().forEach(out::add);
            }
        }
        return out;
    }
}

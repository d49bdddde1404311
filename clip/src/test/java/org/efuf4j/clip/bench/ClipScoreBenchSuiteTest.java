package org.efuf4j.clip.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;
import org.junit.jupiter.api.Test;

/** The suite is found through the service registry and prints one line per mode (no timing is asserted). */
class ClipScoreBenchSuiteTest {

    @Test
    void quickRunReportsEachMode() throws Exception {
        BenchSuite suite = ServiceLoader.load(BenchSuite.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("clipscore")).findFirst().orElseThrow();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        suite.run(new BenchContext(1, true, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].contains("mode=whole_image") && lines[0].contains("crops_per_image=1"), lines[0]);
        // 128x106 px in 16-px cells: 8x6 cells, 4x4-cell windows: 5x3 = 15 crops.
        assertTrue(lines[1].contains("mode=sliding_window_max") && lines[1].contains("crops_per_image=15"), lines[1]);
        assertTrue(lines[2].contains("mode=top_k_cells"), lines[2]);
    }
}

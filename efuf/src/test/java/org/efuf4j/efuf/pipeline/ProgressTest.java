package org.efuf4j.efuf.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** When standard error is not a terminal (a log file, CI), progress is a few whole lines, never carriage-return redraws. */
class ProgressTest {
    @Test
    void withoutATerminalProgressIsAFewPlainLines() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("EFUF_PROGRESS") == null && Progress.mode().equals("lines"),
                "the test JVM's standard error is not a terminal");
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Progress p = new Progress("caption+score", 1000, 100)) {
            for (int i = 0; i < 900; i++) p.step();
        } finally {
            System.setErr(old);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), "no carriage returns: " + text);
        String[] lines = text.strip().split("\n");
        assertTrue(lines.length >= 9 && lines.length <= 10, "one line per tenth and one at the end: " + text);
        assertTrue(lines[lines.length - 1].startsWith("caption+score: 1000/1000 (100%)"), lines[lines.length - 1]);
        for (String l : lines) assertTrue(l.startsWith("caption+score: "), l);
        assertEquals(0, text.chars().filter(c -> c == 27).count(), "no escape codes");
    }
}

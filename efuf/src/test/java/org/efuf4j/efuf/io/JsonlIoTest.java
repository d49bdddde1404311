package org.efuf4j.efuf.io;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlIoTest {
    record Row(String image, double score) {}

    @TempDir
    Path dir;

    @Test
    void appendedRecordsReadBackInOrderAcrossReopens() {
        Path file = dir.resolve("sub/rows.jsonl");
        try (JsonlWriter w = JsonlWriter.append(file)) {
            w.write(new Row("a", 1.5));
            w.write(new Row("b", -2));
            assertEquals(2, w.written());
        }
        try (JsonlWriter w = JsonlWriter.append(file)) {
            w.write(new Row("c", 3));
        }
        JsonlReader.Content<Row> content = JsonlReader.read(file, Row.class);
        assertEquals(List.of(new Row("a", 1.5), new Row("b", -2), new Row("c", 3)), content.records());
        assertFalse(content.droppedPartialLine());
    }

    @Test
    void flushedRecordsAreOnDiskBeforeClose() throws IOException {
        Path file = dir.resolve("live.jsonl");
        try (JsonlWriter w = JsonlWriter.append(file)) {
            w.write(new Row("a", 1));
            // another reader sees the record while the writer is still open (a crash now loses nothing)
            assertEquals(List.of(new Row("a", 1)), JsonlReader.read(file, Row.class).records());
        }
    }

    @Test
    void partialLastLineFromACrashIsDroppedAndCutBeforeAppending() throws IOException {
        Path file = dir.resolve("crashed.jsonl");
        try (JsonlWriter w = JsonlWriter.append(file)) {
            w.write(new Row("a", 1));
            w.write(new Row("b", 2));
        }
        Files.writeString(file, "{\"image\":\"c\",\"sco", StandardOpenOption.APPEND); // crash mid-write
        JsonlReader.Content<Row> content = JsonlReader.read(file, Row.class);
        assertEquals(List.of(new Row("a", 1), new Row("b", 2)), content.records());
        assertTrue(content.droppedPartialLine());

        try (JsonlWriter w = JsonlWriter.append(file)) { // resuming run
            w.write(new Row("c", 3));
        }
        JsonlReader.Content<Row> resumed = JsonlReader.read(file, Row.class);
        assertEquals(List.of(new Row("a", 1), new Row("b", 2), new Row("c", 3)), resumed.records());
        assertFalse(resumed.droppedPartialLine());
        assertTrue(Files.readString(file).endsWith("}\n"));
    }

    @Test
    void truncatedScalarIsNotMistakenForARecord() throws IOException {
        Path file = dir.resolve("scalar.jsonl");
        Files.writeString(file, "{\"image\":\"a\",\"score\":1.0}\n12");
        JsonlReader.Content<Row> content = JsonlReader.read(file, Row.class);
        assertEquals(1, content.records().size());
        assertTrue(content.droppedPartialLine());
    }

    @Test
    void completeLastLineWithoutNewlineIsKept() throws IOException {
        Path file = dir.resolve("other-tool.jsonl");
        Files.writeString(file, "{\"image\":\"a\",\"score\":1.0}\n\n{\"image\":\"b\",\"score\":2.0}");
        JsonlReader.Content<Row> content = JsonlReader.read(file, Row.class);
        assertEquals(List.of(new Row("a", 1), new Row("b", 2)), content.records());
        assertFalse(content.droppedPartialLine());
    }

    @Test
    void appendingAfterACompleteUnterminatedRecordKeepsIt() throws IOException {
        Path file = dir.resolve("other-tool.jsonl");
        Files.writeString(file, "{\"image\":\"a\",\"score\":1.0}");
        try (JsonlWriter w = JsonlWriter.append(file)) {
            w.write(new Row("b", 2));
        }
        assertEquals(List.of(new Row("a", 1), new Row("b", 2)), JsonlReader.read(file, Row.class).records());
    }

    @Test
    void partialLineLongerThanOneReadChunkIsFound() throws IOException {
        Path file = dir.resolve("long.jsonl");
        String longImage = "x".repeat(20_000);
        try (JsonlWriter w = JsonlWriter.append(file)) {
            w.write(new Row(longImage, 1));
        }
        Files.writeString(file, "{\"image\":\"" + "y".repeat(30_000), StandardOpenOption.APPEND);
        try (JsonlWriter w = JsonlWriter.append(file)) {
            w.write(new Row("b", 2));
        }
        assertEquals(List.of(new Row(longImage, 1), new Row("b", 2)), JsonlReader.read(file, Row.class).records());
    }

    @Test
    void damagedLineInTheMiddleIsAnErrorNamingFileAndLine() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"image\":\"a\",\"score\":1.0}\n{\"image\":\n{\"image\":\"b\",\"score\":2.0}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> JsonlReader.read(file, Row.class));
        assertTrue(e.getMessage().startsWith(file + " line 2:"), e.getMessage());
    }

}

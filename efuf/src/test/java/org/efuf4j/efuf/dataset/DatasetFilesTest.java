package org.efuf4j.efuf.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset records are checked against their schema, with the file, the line and the field in every message. */
class DatasetFilesTest {
    @TempDir Path dir;

    private static final String GOOD = "{\"kind\":\"negative\",\"image\":\"1.png\",\"object\":\"cat\",\"score\":20.5,\"context\":\"A dog.\",\"target\":\" A cat\"}";

    private String rejected(String secondLine) throws IOException {
        Path file = dir.resolve("negative.jsonl");
        Files.writeString(file, GOOD + "\n\n" + secondLine + "\n" + GOOD + "\n");
        String msg = assertThrows(IllegalArgumentException.class, () -> DatasetFiles.read(file)).getMessage();
        assertTrue(msg.startsWith(file + " line 3: "), msg);
        for (String internal : new String[] {"UnlearningSample", "JsonNode", "java.lang", "Cannot coerce", "com.fasterxml"})
            assertFalse(msg.contains(internal), internal + " in: " + msg);
        return msg;
    }

    @Test
    void wellFormedRecordsLoad() throws IOException {
        Path file = dir.resolve("ok.jsonl");
        Files.writeString(file, GOOD + "\n" + GOOD + "\n");
        assertEquals(2, DatasetFiles.read(file).size());
        assertEquals(" A cat", DatasetFiles.read(file).get(0).target());
    }

    @Test
    void wrongTypesAreRefusedNotCoerced() throws IOException {
        String target = rejected(GOOD.replace("\" A cat\"", "17"));
        assertTrue(target.contains("field 'target' must be text") && target.contains("17"), target);
        String score = rejected(GOOD.replace("20.5", "\"high\""));
        assertTrue(score.contains("field 'score' must be a number") && score.contains("high"), score);
        String kind = rejected(GOOD.replace("\"negative\"", "\"neutral\""));
        assertTrue(kind.contains("field 'kind'") && kind.contains("positive, negative, sentence") && kind.contains("neutral"), kind);
    }

    @Test
    void missingFieldsAndCutOffLinesNameTheLine() throws IOException {
        String missing = rejected("{\"kind\":\"negative\",\"image\":\"1.png\",\"object\":\"cat\",\"score\":1,\"context\":\"\"}");
        assertTrue(missing.contains("target is missing"), missing);
        String cut = rejected(GOOD.substring(0, 60));
        assertTrue(cut.contains("cut off"), cut);
        assertFalse(cut.contains("a record must be a JSON object or array"), cut);
        String notObject = rejected("hello");
        assertTrue(notObject.contains("one JSON object"), notObject);
    }
}

package org.efuf4j.efuf.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.efuf4j.tensor.io.JsonFiles;

/**
 * Reads JSON-lines files, tolerating exactly one kind of damage: a last line cut short by a crash
 * mid-write. Such a line has no terminating '\n' and does not parse as a complete JSON value; it
 * is dropped with a warning and reported in {@link Content#droppedPartialLine()}. A last line
 * without '\n' that does parse (files written by other tools) is kept. A bad line anywhere else is
 * an error naming the file and line, because it means the file is not JSONL, not that a run crashed.
 */
public final class JsonlReader {
    private static final System.Logger LOG = System.getLogger(JsonlReader.class.getName());

    /** The records read and whether a partial last line was dropped. */
    public record Content<T>(List<T> records, boolean droppedPartialLine) {}

    private JsonlReader() {}

    public static Content<JsonNode> readTree(Path path) {
        return read(path, JsonNode.class);
    }

    public static <T> Content<T> read(Path path, Class<T> type) {
        return read(path, type, (record, where) -> {});
    }

    /**
     * Reads and checks every record: {@code check} gets the record and where it came from ("file line N") and throws
     * what the schema requires beyond types (required fields, ranges).
     */
    public static <T> Content<T> read(Path path, Class<T> type, BiConsumer<T, String> check) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        List<T> records = new ArrayList<>();
        boolean dropped = false;
        int lineStart = 0;
        int lineNumber = 0;
        while (lineStart < text.length()) {
            int newline = text.indexOf('\n', lineStart);
            boolean terminated = newline >= 0;
            int lineEnd = terminated ? newline : text.length();
            lineNumber++;
            String line = text.substring(lineStart, lineEnd).strip();
            lineStart = lineEnd + 1;
            if (line.isEmpty()) {
                continue;
            }
            String where = path + " line " + lineNumber;
            JsonNode node;
            try {
                node = tree(line);
            } catch (JsonProcessingException e) {
                if (!terminated) {
                    LOG.log(System.Logger.Level.WARNING,
                            "{0}: dropping partial last line {1} (file ends mid-record, probably an interrupted write)",
                            path, lineNumber);
                    dropped = true;
                    continue;
                }
                throw new IllegalArgumentException(where + ": " + (looksWhole(line) ? "not valid JSON" + columnFree(JsonFiles.describe(e))
                        : line.startsWith("{") || line.startsWith("[") ? "the record is cut off (it does not end with its closing "
                        + (line.startsWith("{") ? "'}'" : "']'") + "); the line was truncated or split"
                        : "each line must hold one JSON object, found " + abbreviate(line)), e);
            }
            T record = convert(node, type, where);
            check.accept(record, where);
            records.add(record);
        }
        return new Content<>(List.copyOf(records), dropped);
    }

    private static JsonNode tree(String line) throws JsonProcessingException {
        if (!looksWhole(line)) throw new JsonProcessingException("not a whole record") {};
        return Json.MAPPER.readTree(line);
    }

    /** The record as {@code type}, strictly: a number where text belongs (or the reverse) is an error, not coerced. */
    private static <T> T convert(JsonNode node, Class<T> type, String where) {
        if (type == JsonNode.class) return type.cast(node);
        try {
            return Json.STRICT.treeToValue(node, type);
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(where + ": " + Json.describeMismatch(e), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": " + columnFree(JsonFiles.describe(e)), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Within one line, "line 1, column 7" adds nothing to the file's own line number. */
    private static String columnFree(String described) {
        return described.replaceFirst("^, line 1, column \\d+: ", ": ").replaceFirst("^: ", "");
    }

    private static String abbreviate(String line) {
        return line.length() > 40 ? "'" + line.substring(0, 37) + "...'" : "'" + line + "'";
    }

    /** A truncated object is never valid JSON, but a truncated scalar may be ("12" of "123"). */
    private static boolean looksWhole(String line) {
        if (line.isEmpty()) {
            return false;
        }
        char first = line.charAt(0);
        char last = line.charAt(line.length() - 1);
        return (first == '{' && last == '}') || (first == '[' && last == ']');
    }

    /** Whether a line is one complete JSON object or array: a record, not a fragment of one. */
    static boolean isCompleteRecord(String line) {
        if (!looksWhole(line)) {
            return false;
        }
        try {
            Json.MAPPER.readTree(line);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}

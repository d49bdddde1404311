package org.efuf4j.efuf.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
            try {
                records.add(parse(line, type));
            } catch (JsonProcessingException e) {
                if (!terminated) {
                    LOG.log(System.Logger.Level.WARNING,
                            "{0}: dropping partial last line {1} (file ends mid-record, probably an interrupted write)",
                            path, lineNumber);
                    dropped = true;
                } else {
                    throw new IllegalArgumentException(path + " line " + lineNumber + ": not a valid "
                            + type.getSimpleName() + " JSON record: " + e.getOriginalMessage(), e);
                }
            }
        }
        return new Content<>(List.copyOf(records), dropped);
    }

    private static <T> T parse(String line, Class<T> type) throws JsonProcessingException {
        if (!looksWhole(line)) {
            throw new JsonProcessingException("a record must be a JSON object or array") {};
        }
        return Json.MAPPER.readValue(line, type);
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

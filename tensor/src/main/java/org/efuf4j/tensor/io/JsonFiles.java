package org.efuf4j.tensor.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads JSON documents users hand over (configs, tokenizers, dataset lines) with errors that name the file, the line
 * and column, and what is wrong in plain words: a cut-off file says it is truncated, not "Unexpected end-of-input".
 */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFiles() {}

    /** The document in {@code file}; a missing, unreadable or malformed file fails with a message naming it. */
    public static JsonNode read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(file + ": no such file", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text (a JSON file must be UTF-8)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** The document in {@code text}; {@code source} names it in errors ("file", or "file, line 7" for a JSONL line). */
    public static JsonNode parse(String text, String source) {
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || root.isMissingNode()) throw new IllegalArgumentException(source + ": empty, expected a JSON document");
            return root;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + describe(e), e);
        }
    }

    /**
     * Where and what: {@code ", line 3, column 14: the JSON ends inside an object (the file is truncated?)"}. The
     * location is the parser's (1-based), the words are ours.
     */
    public static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : ", line " + at.getLineNr() + ", column " + at.getColumnNr();
        return where + ": " + what(e);
    }

    private static String what(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof JsonEOFException || original.startsWith("Unexpected end-of-input")) {
            String inside = original.contains("Object") || original.contains("OBJECT") ? " inside an object"
                    : original.contains("Array") || original.contains("ARRAY") ? " inside a list"
                    : original.contains("String") || original.contains("VALUE_STRING") ? " inside a string" : "";
            return "the JSON ends early" + inside + " (the file is truncated or was cut off while being written)";
        }
        // "Unexpected character ('x' (code 120)): was expecting comma to separate Object entries" -> our words
        String text = original.replaceAll(" \\(code \\d+\\)", "").replace("Object entries", "the entries of an object")
                .replace("Array entries", "the entries of a list").replace("Unexpected character", "unexpected character")
                .replace("Unrecognized token", "unrecognised word").replace("Unexpected end-of-input", "the JSON ends early");
        int newline = text.indexOf('\n');
        return "not valid JSON: " + (newline < 0 ? text : text.substring(0, newline));
    }
}

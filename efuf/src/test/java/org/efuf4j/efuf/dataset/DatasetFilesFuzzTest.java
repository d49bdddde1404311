package org.efuf4j.efuf.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.pipeline.CaptionRecord;

/**
 * A short fuzz run of the JSONL readers: dataset and caption files with random characters changed or removed. Each
 * reads (every record then meets the schema) or fails naming the file and the line.
 */
class DatasetFilesFuzzTest {
    static final String DATASET = """
            {"kind":"negative","image":"1.png","object":"cat","score":20.5,"context":"A dog.","target":" A cat"}
            {"kind":"positive","image":"2.png","object":"dog","score":33,"context":"","target":"A dog"}
            {"kind":"sentence","image":"3.png","object":null,"score":31.0,"context":"","target":"A dog on a bed."}
            """;
    static final String CAPTIONS = """
            {"image":"1.png","caption":"A dog.","objects":[{"object":"dog","term":"dog","surface":"dog","start":2,"end":5,"score":30.5}],"skipped":null}
            {"image":"2.png","caption":null,"objects":[],"skipped":"image file is truncated"}
            """;
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("jsonl-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Arbitrary<String> mutations(String valid) {
        Arbitrary<Tuple.Tuple2<Integer, Character>> edit = Combinators.combine(Arbitraries.integers().between(0, valid.length() - 1),
                Arbitraries.oneOf(Arbitraries.chars().ascii(), Arbitraries.of('"', '{', '}', '[', ']', ',', ':', '\n', '1', 'x'))).as(Tuple::of);
        return Combinators.combine(edit.list().ofMaxSize(5), Arbitraries.integers().between(0, valid.length() * 3)).as((edits, cut) -> {
            StringBuilder sb = new StringBuilder(valid);
            for (var e : edits) sb.setCharAt(e.get1(), e.get2());
            return cut < valid.length() ? sb.substring(0, cut) : sb.toString();
        });
    }

    @Provide Arbitrary<String> datasets() { return mutations(DATASET); }

    @Provide Arbitrary<String> captions() { return mutations(CAPTIONS); }

    private static void named(IllegalArgumentException e, Path file) {
        if (!e.getMessage().startsWith(file + " line ")) throw new AssertionError("message does not name file and line: " + e.getMessage(), e);
        for (String internal : new String[] {"UnlearningSample", "CaptionRecord", "JsonNode", "java.lang", "com.fasterxml"})
            if (e.getMessage().contains(internal)) throw new AssertionError("internal name " + internal + " in: " + e.getMessage(), e);
    }

    @Property(tries = 400)
    void datasetFiles(@ForAll("datasets") String text) throws IOException {
        Path file = Files.writeString(DIR.resolve("negative.jsonl"), text, StandardCharsets.UTF_8);
        try {
            for (UnlearningSample s : DatasetFiles.read(file)) {
                if (s.kind() == null || s.target() == null || s.target().isBlank()) throw new AssertionError("a record broke the schema: " + s);
            }
        } catch (IllegalArgumentException e) {
            named(e, file);
        }
    }

    @Property(tries = 300)
    void captionFiles(@ForAll("captions") String text) throws IOException {
        Path file = Files.writeString(DIR.resolve("captions.jsonl"), text, StandardCharsets.UTF_8);
        try {
            JsonlReader.read(file, CaptionRecord.class);
        } catch (IllegalArgumentException e) {
            named(e, file);
        }
    }
}

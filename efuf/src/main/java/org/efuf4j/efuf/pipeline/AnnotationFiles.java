package org.efuf4j.efuf.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.efuf4j.efuf.eval.CocoAnnotations;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.objects.ObjectExtractor;

/**
 * Ground truth (image id -> object categories) from any of the supported files, told apart by content: a JSONL of
 * {@code {"image_id", "objects"}}, a COCO instances JSON (has {@code categories}), or a COCO captions JSON (objects
 * found in the reference captions count as present, as CHAIR does).
 */
public final class AnnotationFiles {
    private AnnotationFiles() {}

    public static GroundTruth load(ObjectExtractor extractor, Path... files) {
        GroundTruth.Builder b = GroundTruth.builder();
        for (Path f : files) add(f, extractor, b);
        return b.build();
    }

    public static void add(Path file, ObjectExtractor extractor, GroundTruth.Builder into) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("annotations " + file + ": no such file");
        String start;
        try {
            start = Files.readString(file).stripLeading();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read annotations " + file + ": " + e.getMessage(), e);
        }
        if (!start.startsWith("{") || file.toString().endsWith(".jsonl")) {
            CocoAnnotations.addObjectsJsonl(file, extractor.vocabulary(), into);
            return;
        }
        com.fasterxml.jackson.databind.JsonNode first;
        try {
            first = Json.MAPPER.readTree(start);
        } catch (IOException e) {
            throw new IllegalArgumentException("annotations " + file + ": not JSON or JSONL: " + e.getMessage(), e);
        }
        if (first.has("objects") && first.has("image_id")) CocoAnnotations.addObjectsJsonl(file, extractor.vocabulary(), into);
        else if (first.has("categories")) CocoAnnotations.addInstances(file, extractor.vocabulary(), into);
        else CocoAnnotations.addCaptionObjects(file, extractor, into);
    }
}

package org.efuf4j.efuf.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.efuf4j.efuf.io.JsonlReader;

/** A caption a model generated for an image. */
public record GeneratedCaption(String imageId, String caption) {

    /**
     * Reads captions from a JSON array or a JSONL file (told apart by the first character), taking
     * the image id and caption from the named fields.
     */
    public static List<GeneratedCaption> read(Path file, String imageIdKey, String captionKey) {
        List<JsonNode> rows;
        String text;
        try {
            text = Files.readString(file).stripLeading();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read captions " + file + ": " + e.getMessage(), e);
        }
        if (text.startsWith("[")) {
            rows = new ArrayList<>();
            CocoAnnotations.readJson(file).forEach(rows::add);
        } else {
            rows = JsonlReader.readTree(file).records();
        }
        List<GeneratedCaption> captions = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String where = file + " record " + (i + 1);
            JsonNode caption = row.get(captionKey);
            if (caption == null || !caption.isTextual()) {
                throw new IllegalArgumentException(where + ": '" + captionKey + "' must be a string, got " + caption);
            }
            captions.add(new GeneratedCaption(ImageIds.of(row.get(imageIdKey), where), caption.asText()));
        }
        return captions;
    }

    /**
     * Image ids that appear more than once, with their counts, in file order. CHAIR counts every caption, so such an
     * image weighs twice; a file meant to hold one caption per image then gives a different CHAIR than published tools.
     */
    public static java.util.Map<String, Integer> duplicates(List<GeneratedCaption> captions) {
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (GeneratedCaption c : captions) counts.merge(c.imageId(), 1, Integer::sum);
        counts.values().removeIf(n -> n < 2);
        return counts;
    }
}

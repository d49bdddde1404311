package org.efuf4j.efuf.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;

/**
 * Ground truth from annotation files: COCO instances JSON (images, annotations with category_id,
 * categories), COCO captions JSON (objects found in reference captions count as present, as CHAIR
 * does), or a JSONL of {@code {"image_id": ..., "objects": [...]}}.
 */
public final class CocoAnnotations {
    private CocoAnnotations() {}

    /** Adds every image of an instances file and the categories of its annotations. */
    public static void addInstances(Path file, ObjectVocabulary vocabulary, GroundTruth.Builder into) {
        JsonNode root = readJson(file);
        Map<Long, String> categoryNames = new HashMap<>();
        for (JsonNode category : array(root, "categories", file)) {
            long id = category.path("id").asLong(Long.MIN_VALUE);
            String name = category.path("name").asText(null);
            if (id == Long.MIN_VALUE || name == null) {
                throw new IllegalArgumentException(file + ": category entry needs integer 'id' and string 'name': "
                        + category);
            }
            categoryNames.put(id, vocabulary.resolve(name, file + " category " + id).name());
        }
        for (JsonNode image : array(root, "images", file)) {
            into.image(ImageIds.of(image.get("id"), file + " images[]"));
        }
        int index = 0;
        for (JsonNode annotation : array(root, "annotations", file)) {
            String where = file + " annotations[" + index++ + "]";
            String imageId = ImageIds.of(annotation.get("image_id"), where);
            JsonNode categoryId = annotation.get("category_id");
            if (categoryId == null || !categoryId.isIntegralNumber()) {
                throw new IllegalArgumentException(where + ": 'category_id' must be an integer, got " + categoryId);
            }
            String name = categoryNames.get(categoryId.asLong());
            if (name == null) {
                throw new IllegalArgumentException(where + ": category_id " + categoryId.asLong()
                        + " is not among the file's " + categoryNames.size() + " categories");
            }
            into.add(imageId, name);
        }
    }

    /** Adds the objects the extractor finds in each reference caption. */
    public static void addCaptionObjects(Path file, ObjectExtractor extractor, GroundTruth.Builder into) {
        readCaptions(file).forEach((imageId, captions) -> {
            into.image(imageId);
            for (String caption : captions) {
                for (Mention m : extractor.extract(caption)) {
                    into.add(imageId, m.object());
                }
            }
        });
    }

    /** Reference captions by image id from a COCO captions file, in file order. */
    public static Map<String, List<String>> readCaptions(Path file) {
        JsonNode root = readJson(file);
        Map<String, List<String>> captions = new LinkedHashMap<>();
        for (JsonNode image : root.path("images")) {
            captions.computeIfAbsent(ImageIds.of(image.get("id"), file + " images[]"), k -> new ArrayList<>());
        }
        int index = 0;
        for (JsonNode annotation : array(root, "annotations", file)) {
            String where = file + " annotations[" + index++ + "]";
            String imageId = ImageIds.of(annotation.get("image_id"), where);
            JsonNode caption = annotation.get("caption");
            if (caption == null || !caption.isTextual()) {
                throw new IllegalArgumentException(where + ": 'caption' must be a string, got " + caption);
            }
            captions.computeIfAbsent(imageId, k -> new ArrayList<>()).add(caption.asText());
        }
        return captions;
    }

    /** Adds a JSONL of {@code {"image_id", "objects": [names]}}; names may be any vocabulary term. */
    public static void addObjectsJsonl(Path file, ObjectVocabulary vocabulary, GroundTruth.Builder into) {
        List<JsonNode> rows = JsonlReader.readTree(file).records();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String where = file + " record " + (i + 1);
            String imageId = ImageIds.of(row.get("image_id"), where);
            JsonNode objects = row.get("objects");
            if (objects == null || !objects.isArray()) {
                throw new IllegalArgumentException(where + ": 'objects' must be an array of names, got " + objects);
            }
            into.image(imageId);
            for (JsonNode object : objects) {
                if (!object.isTextual()) {
                    throw new IllegalArgumentException(where + ": object names must be strings, got " + object);
                }
                into.add(imageId, vocabulary.resolve(object.asText(), where).name());
            }
        }
    }

    static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode array(JsonNode root, String field, Path file) {
        JsonNode node = root.get(field);
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(file + ": expected an array '" + field + "' at the top level, got "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
        return node;
    }
}

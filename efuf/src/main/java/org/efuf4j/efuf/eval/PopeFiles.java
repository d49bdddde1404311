package org.efuf4j.efuf.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;

/**
 * POPE question files in POPE's own JSONL layout, one question a line:
 * {@code {"question_id", "image", "text", "label": "yes"|"no", "object"}}.
 */
public final class PopeFiles {
    private PopeFiles() {}

    public static void write(Path file, List<PopeQuestion> questions) {
        StringBuilder text = new StringBuilder();
        for (PopeQuestion q : questions) {
            ObjectNode node = Json.MAPPER.createObjectNode();
            node.put("question_id", q.questionId());
            node.put("image", q.imageId());
            node.put("text", q.text());
            node.put("label", q.label());
            node.put("object", q.object());
            text.append(node).append('\n');
        }
        AtomicFiles.writeString(file, text.toString());
    }

    public static List<PopeQuestion> read(Path file) {
        List<JsonNode> rows = JsonlReader.readTree(file).records();
        List<PopeQuestion> questions = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String where = file + " record " + (i + 1);
            String label = row.path("label").asText("");
            if (!label.equals("yes") && !label.equals("no")) {
                throw new IllegalArgumentException(where + ": 'label' must be \"yes\" or \"no\", got " + row.get("label"));
            }
            JsonNode object = row.get("object");
            if (object == null || !object.isTextual()) {
                throw new IllegalArgumentException(where + ": 'object' must be a string, got " + object);
            }
            questions.add(new PopeQuestion(row.path("question_id").asInt(i + 1), ImageIds.of(row.get("image"), where),
                    object.asText(), label.equals("yes")));
        }
        return questions;
    }
}

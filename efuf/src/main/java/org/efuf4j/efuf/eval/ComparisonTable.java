package org.efuf4j.efuf.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;

/** The models' metrics side by side (base vs unlearned, the paper's Table 2 columns and more), as Markdown and JSON. */
public final class ComparisonTable {
    /** Column title and the metric's path in {@code metrics.json}. */
    static final List<String[]> COLUMNS = List.of(
            new String[] {"CHAIR_s %", "chair_s", "100"}, new String[] {"CHAIR_i %", "chair_i", "100"}, new String[] {"recall %", "chair_recall", "100"},
            new String[] {"POPE-R F1", "pope/random/f1", "100"}, new String[] {"POPE-P F1", "pope/popular/f1", "100"},
            new String[] {"POPE-A F1", "pope/adversarial/f1", "100"}, new String[] {"POPE-A yes %", "pope/adversarial/yes_ratio", "100"},
            new String[] {"BLEU-1", "bleu_1", "1"}, new String[] {"BLEU-2", "bleu_2", "1"}, new String[] {"BLEU-4", "bleu_4", "1"},
            new String[] {"ppl", "perplexity", "1"}, new String[] {"objects/caption", "objects_per_caption", "1"},
            new String[] {"repeating %", "repeating_object_share", "100"}, new String[] {"unterminated %", "unterminated_share", "100"});

    private ComparisonTable() {}

    public static String markdown(Map<String, JsonNode> models) {
        StringBuilder sb = new StringBuilder("| model |");
        for (String[] c : COLUMNS) sb.append(' ').append(c[0]).append(" |");
        sb.append("\n|---|");
        sb.append("---|".repeat(COLUMNS.size())).append('\n');
        for (Map.Entry<String, JsonNode> e : models.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            for (String[] c : COLUMNS) {
                JsonNode v = value(e.getValue(), c[1]);
                sb.append(' ').append(v == null ? "-" : String.format(Locale.ROOT, "%.2f", v.asDouble() * Double.parseDouble(c[2]))).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static JsonNode value(JsonNode metrics, String path) {
        JsonNode n = metrics;
        for (String part : path.split("/")) {
            n = n.get(part);
            if (n == null || n.isNull()) return null;
        }
        return n.isNumber() ? n : null;
    }

    /**
     * The rows of an earlier {@code comparison.json} (if any) followed by, or replaced by, {@code now}'s: evaluating one
     * more model into a folder adds its row without losing the others.
     */
    public static Map<String, JsonNode> merge(Path json, Map<String, JsonNode> now) {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        if (java.nio.file.Files.isRegularFile(json)) {
            JsonNode before = org.efuf4j.tensor.io.JsonFiles.read(json);
            if (!before.isObject()) throw new IllegalArgumentException(json + ": expected an object of rows by model label, got " + before.getNodeType());
            before.fields().forEachRemaining(e -> rows.put(e.getKey(), e.getValue()));
        }
        rows.putAll(now);
        return rows;
    }

    public static void write(Map<String, JsonNode> models, Path markdown, Path json) {
        AtomicFiles.writeString(markdown, markdown(models));
        ObjectNode root = Json.MAPPER.createObjectNode();
        Map<String, JsonNode> copy = new LinkedHashMap<>(models);
        copy.forEach(root::set);
        AtomicFiles.write(json, out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, root));
    }
}

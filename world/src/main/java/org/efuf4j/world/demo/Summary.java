package org.efuf4j.world.demo;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.io.Json;

/**
 * Per model (base and every variant), each evaluation metric's mean and spread over the seeds. The base model is
 * evaluated once (greedy captions of fixed weights do not depend on the unlearning seed).
 */
public final class Summary {
    /** One evaluation number: its key in the summary, where it sits in an evaluation's metrics.json, and its label. */
    public record Metric(String key, String path, String label, boolean percent) {
        public double read(JsonNode evaluation) {
            JsonNode n = evaluation;
            for (String part : path.split("\\.")) n = n == null ? null : n.get(part);
            return n == null || n.isNull() ? Double.NaN : n.asDouble();
        }
    }

    public static final List<Metric> METRICS = List.of(
            new Metric("chair_s", "chair_s", "CHAIR_s", true),
            new Metric("chair_i", "chair_i", "CHAIR_i", true),
            new Metric("recall", "chair_recall", "Recall", true),
            new Metric("pope_random_f1", "pope.random.f1", "POPE F1 random", true),
            new Metric("pope_popular_f1", "pope.popular.f1", "POPE F1 popular", true),
            new Metric("pope_adversarial_f1", "pope.adversarial.f1", "POPE F1 adversarial", true),
            new Metric("bleu_1", "bleu_1", "BLEU-1", false),
            new Metric("bleu_2", "bleu_2", "BLEU-2", false),
            new Metric("bleu_4", "bleu_4", "BLEU-4", false),
            new Metric("perplexity", "perplexity", "Perplexity", false),
            new Metric("objects_per_caption", "objects_per_caption", "Objects/caption", false),
            new Metric("repeating_object_share", "repeating_object_share", "Repeated-object", true),
            new Metric("unterminated_share", "unterminated_share", "Unterminated", true));

    private Summary() {}

    public static ObjectNode of(JsonNode metrics) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        List<JsonNode> base = metrics.has(Demo.BASE) ? List.of(metrics.get(Demo.BASE)) : List.of();
        out.set(Demo.BASE, summarise(base));
        for (String variant : Demo.VARIANTS.keySet()) {
            List<JsonNode> runs = new ArrayList<>();
            for (JsonNode seed : metrics.path("seeds")) {
                JsonNode v = seed.path("variants").get(variant);
                if (v != null) runs.add(v);
            }
            out.set(variant, summarise(runs));
        }
        return out;
    }

    private static ObjectNode summarise(List<JsonNode> runs) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("runs", runs.size());
        for (Metric m : METRICS) {
            ObjectNode s = node.putObject(m.key());
            ArrayNode values = s.putArray("values");
            double sum = 0;
            int n = 0;
            for (JsonNode r : runs) {
                double v = m.read(r);
                if (Double.isFinite(v)) {
                    values.add(v);
                    sum += v;
                    n++;
                } else values.addNull();
            }
            double mean = n == 0 ? Double.NaN : sum / n;
            double ss = 0;
            for (JsonNode v : values) if (!v.isNull()) ss += (v.asDouble() - mean) * (v.asDouble() - mean);
            Demo.finite(s, "mean", mean);
            Demo.finite(s, "std", n < 2 ? (n == 1 ? 0 : Double.NaN) : Math.sqrt(ss / (n - 1)));
        }
        return node;
    }

    /** The mean of a metric for a model in a summary node; NaN when absent. */
    public static double mean(JsonNode summary, String model, String key) {
        JsonNode n = summary.path(model).path(key).get("mean");
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }
}

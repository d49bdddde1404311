package org.efuf4j.world.demo;

import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.io.Json;

/**
 * The acceptance criteria, computed from the seed means in the summary: each with the measured value, the
 * bound, and whether it holds; beside it the same measure on every seed alone and their standard deviation (the base
 * model is one run, shared by the seeds). A criterion whose inputs are missing (a variant not trained, a metric
 * undefined) does not hold.
 */
public final class Acceptance {
    private Acceptance() {}

    /** A metric's value for a model: the seed mean, or one seed's value. */
    @FunctionalInterface
    private interface Metrics {
        double of(String model, String key);
    }

    public static ArrayNode evaluate(JsonNode metrics) {
        JsonNode s = metrics.get("summary");
        ArrayNode out = Json.MAPPER.createArrayNode();
        String b = Demo.BASE, e = "efuf";
        add(s, out, "EFUF lowers CHAIR_s by >= 15% relative", "relative drop", m -> relativeDrop(m.of(b, "chair_s"), m.of(e, "chair_s")),
                ">= 0.15", d -> d >= 0.15);
        add(s, out, "EFUF lowers CHAIR_i by >= 15% relative", "relative drop", m -> relativeDrop(m.of(b, "chair_i"), m.of(e, "chair_i")),
                ">= 0.15", d -> d >= 0.15);
        add(s, out, "BLEU-1 falls by <= 1 point", "BLEU-1 change (points)", m -> m.of(e, "bleu_1") - m.of(b, "bleu_1"), ">= -1", d -> d >= -1);
        add(s, out, "Perplexity rises by <= 10%", "perplexity change (relative)", m -> m.of(e, "perplexity") / m.of(b, "perplexity") - 1,
                "<= +0.10", d -> d <= 0.10);
        add(s, out, "Recall falls by <= 3 points", "recall change (points)", m -> 100 * (m.of(e, "recall") - m.of(b, "recall")), ">= -3",
                d -> d >= -3);
        add(s, out, "Repeated-object share rises by <= 2 points", "repeated-object change (points)",
                m -> 100 * (m.of(e, "repeating_object_share") - m.of(b, "repeating_object_share")), "<= +2", d -> d <= 2);
        add(s, out, "Ablation order: fine-grained EFUF lowers CHAIR_s more than vanilla (sentence-level) unlearning",
                "CHAIR_s vanilla - EFUF (points)", m -> 100 * (m.of("vanilla", "chair_s") - m.of(e, "chair_s")), "> 0", d -> d > 0);
        add(s, out, "Ablation order: without the sentence loss fluency suffers most (highest perplexity of the variants)",
                "perplexity no_sentence - max(other variants)", m -> m.of("no_sentence", "perplexity")
                        - Math.max(m.of(e, "perplexity"), Math.max(m.of("vanilla", "perplexity"), m.of("sentence_only", "perplexity"))),
                "> 0", d -> d > 0);
        add(s, out, "Ablation order: sentence loss alone lowers CHAIR_s less than EFUF", "CHAIR_s sentence_only - EFUF (points)",
                m -> 100 * (m.of("sentence_only", "chair_s") - m.of(e, "chair_s")), "> 0", d -> d > 0);
        return out;
    }

    private static double relativeDrop(double base, double efuf) {
        return base > 0 ? (base - efuf) / base : Double.NaN;
    }

    private static void add(JsonNode summary, ArrayNode out, String criterion, String measure, ToDoubleFunction<Metrics> f, String bound,
                            DoublePredicate holds) {
        double value = f.applyAsDouble((model, key) -> Summary.mean(summary, model, key));
        ObjectNode n = out.addObject();
        n.put("criterion", criterion);
        n.put("measure", measure);
        Demo.finite(n, "value", value);
        ArrayNode perSeed = n.putArray("per_seed");
        double sum = 0, sq = 0;
        int seeds = summary.path("efuf").path("runs").asInt(0), finite = 0;
        for (int k = 0; k < seeds; k++) {
            int seed = k;
            double v = f.applyAsDouble((model, key) -> seedValue(summary, model, key, seed));
            if (Double.isFinite(v)) {
                perSeed.add(v);
                sum += v;
                sq += v * v;
                finite++;
            } else perSeed.addNull();
        }
        double spread = finite < 2 ? Double.NaN : Math.sqrt(Math.max(0, (sq - sum * sum / finite) / (finite - 1)));
        Demo.finite(n, "spread", spread);
        n.put("bound", bound);
        boolean ok = Double.isFinite(value) && holds.test(value);
        n.put("holds", ok);
        int heldSeeds = 0;
        for (JsonNode v : perSeed) if (!v.isNull() && holds.test(v.asDouble())) heldSeeds++;
        n.put("seeds_holding", heldSeeds);
        n.put("text", String.format(Locale.ROOT, "%s: %s = %s%s (bound %s) -> %s", criterion, measure,
                Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "undefined",
                Double.isFinite(spread) ? String.format(Locale.ROOT, " +/- %.4f over %d seeds", spread, finite) : "", bound,
                ok ? "holds" : "does not hold"));
    }

    /** One seed's value of a metric (the base model's single run for the base), NaN when absent. */
    private static double seedValue(JsonNode summary, String model, String key, int seed) {
        if (model.equals(Demo.BASE)) return Summary.mean(summary, model, key);
        JsonNode v = summary.path(model).path(key).path("values").get(seed);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}

package org.efuf4j.efuf.demo;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.io.Json;

/**
 * The acceptance criteria, computed from the seed means in the summary: each with the measured value, the
 * bound, and whether it holds. A criterion whose inputs are missing (a variant not trained, a metric undefined)
 * does not hold.
 */
public final class Acceptance {
    private Acceptance() {}

    public static ArrayNode evaluate(JsonNode metrics) {
        JsonNode s = metrics.get("summary");
        ArrayNode out = Json.MAPPER.createArrayNode();
        String b = Demo.BASE, e = "efuf";
        relativeDrop(out, "EFUF lowers CHAIR_s by >= 15% relative", Summary.mean(s, b, "chair_s"), Summary.mean(s, e, "chair_s"));
        relativeDrop(out, "EFUF lowers CHAIR_i by >= 15% relative", Summary.mean(s, b, "chair_i"), Summary.mean(s, e, "chair_i"));
        add(out, "BLEU-1 falls by <= 1 point", "BLEU-1 change (points)", Summary.mean(s, e, "bleu_1") - Summary.mean(s, b, "bleu_1"), ">= -1",
                d -> d >= -1);
        double pb = Summary.mean(s, b, "perplexity"), pe = Summary.mean(s, e, "perplexity");
        add(out, "Perplexity rises by <= 10%", "perplexity change (relative)", pe / pb - 1, "<= +0.10", d -> d <= 0.10);
        add(out, "Recall falls by <= 3 points", "recall change (points)", 100 * (Summary.mean(s, e, "recall") - Summary.mean(s, b, "recall")), ">= -3",
                d -> d >= -3);
        add(out, "Repeated-object share rises by <= 2 points", "repeated-object change (points)",
                100 * (Summary.mean(s, e, "repeating_object_share") - Summary.mean(s, b, "repeating_object_share")), "<= +2", d -> d <= 2);
        add(out, "Ablation order: fine-grained EFUF lowers CHAIR_s more than vanilla (sentence-level) unlearning",
                "CHAIR_s vanilla - EFUF (points)", 100 * (Summary.mean(s, "vanilla", "chair_s") - Summary.mean(s, e, "chair_s")), "> 0", d -> d > 0);
        add(out, "Ablation order: without the sentence loss fluency suffers most (highest perplexity of the variants)",
                "perplexity no_sentence - max(other variants)", Summary.mean(s, "no_sentence", "perplexity")
                        - Math.max(Summary.mean(s, e, "perplexity"), Math.max(Summary.mean(s, "vanilla", "perplexity"), Summary.mean(s, "sentence_only", "perplexity"))),
                "> 0", d -> d > 0);
        add(out, "Ablation order: sentence loss alone lowers CHAIR_s less than EFUF", "CHAIR_s sentence_only - EFUF (points)",
                100 * (Summary.mean(s, "sentence_only", "chair_s") - Summary.mean(s, e, "chair_s")), "> 0", d -> d > 0);
        return out;
    }

    private static void relativeDrop(ArrayNode out, String name, double base, double efuf) {
        add(out, name, "relative drop", base > 0 ? (base - efuf) / base : Double.NaN, ">= 0.15", d -> d >= 0.15);
    }

    private static void add(ArrayNode out, String criterion, String measure, double value, String bound, java.util.function.DoublePredicate holds) {
        ObjectNode n = out.addObject();
        n.put("criterion", criterion);
        n.put("measure", measure);
        Demo.finite(n, "value", value);
        n.put("bound", bound);
        boolean ok = Double.isFinite(value) && holds.test(value);
        n.put("holds", ok);
        n.put("text", String.format(Locale.ROOT, "%s: %s = %s (bound %s) -> %s", criterion, measure,
                Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "undefined", bound, ok ? "holds" : "does not hold"));
    }
}

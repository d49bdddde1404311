package org.efuf4j.world.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.efuf.eval.ClausePositions;
import org.efuf4j.efuf.eval.HallucinationKinds;
import org.efuf4j.efuf.eval.ObjectHallucinations;
import org.efuf4j.efuf.eval.PopeSampler;

/**
 * One model's evaluation on the held-out images, as the demo keeps it: the figures {@code Evaluation} writes into its
 * {@code metrics.json}, read in one place ({@link #of}) so that the demo, the summary, the acceptance and the report
 * share names instead of JSON paths. A figure the evaluation could not compute is NaN.
 *
 * @param recallSmall recall of the objects below {@code smallBelow} visible pixels (the smaller half of the eval
 *                    split's objects), recallLarge of the rest
 * @param pope        POPE per split (random, popular, adversarial)
 * @param clauses     where the mentions and the hallucinated mentions fall, by clause index
 * @param bleu1Precision     BLEU-1's clipped unigram precision (percent), and {@code brevityPenalty} its other factor
 * @param kinds       the hallucinated mentions added past the caption's evidence and swapped for a missed object (null in
 *                    evaluations written before they were counted)
 * @param objects     mentions and hallucinated mentions per object (null in evaluations written before they were counted)
 */
public record ModelEvaluation(int captions, int objectMentions, int hallucinatedMentions, double chairS, double chairI, double recall,
                              double recallSmall, double recallLarge, double smallBelow, int smallObjects, int largeObjects,
                              Map<String, Pope> pope, double bleu1, double bleu2, double bleu4, double perplexity,
                              double objectsPerCaption, double repeatingShare, double unterminatedShare, ClausePositions clauses,
                              double bleu1Precision, double brevityPenalty, HallucinationKinds kinds,
                              ObjectHallucinations objects) {
    public record Pope(int questions, double accuracy, double precision, double recall, double f1, double yesRatio) {}

    /** The POPE splits in the paper's order. */
    public static final java.util.List<String> POPE_SPLITS = java.util.Arrays.stream(PopeSampler.Strategy.values())
            .map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).toList();

    /** Reads an evaluation's {@code metrics.json} tree. */
    public static ModelEvaluation of(JsonNode e) {
        Map<String, Pope> pope = new LinkedHashMap<>();
        for (String split : POPE_SPLITS) {
            JsonNode p = e.path("pope").path(split);
            if (p.isMissingNode()) continue;
            pope.put(split, new Pope(p.path("questions").asInt(), num(p, "accuracy"), num(p, "precision"), num(p, "recall"), num(p, "f1"),
                    num(p, "yes_ratio")));
        }
        JsonNode cp = e.path("clause_positions"), split = e.path("size_split"), k = e.path("hallucination_kinds");
        ClausePositions clauses = cp.isMissingNode() ? null
                : new ClausePositions(ints(cp.path("hallucinated_by_clause")), ints(cp.path("mentions_by_clause")),
                        cp.path("hallucinated_in_last_clause").asInt(), cp.path("mentions_in_last_clause").asInt());
        return new ModelEvaluation(e.path("captions").asInt(), e.path("object_mentions").asInt(), e.path("hallucinated_mentions").asInt(),
                num(e, "chair_s"), num(e, "chair_i"), num(e, "chair_recall"), num(e, "recall_small"), num(e, "recall_large"),
                num(split, "small_below"), split.path("small_objects").asInt(), split.path("large_objects").asInt(), pope,
                num(e, "bleu_1"), num(e, "bleu_2"), num(e, "bleu_4"), num(e, "perplexity"), num(e, "objects_per_caption"),
                num(e, "repeating_object_share"), num(e, "unterminated_share"), clauses,
                num(e, "bleu_1_precision"), num(e, "bleu_brevity_penalty"),
                k.isMissingNode() ? null : new HallucinationKinds(k.path("added").asInt(), k.path("swapped").asInt()),
                objectHallucinations(e.path("hallucinations_by_object")));
    }

    private static ObjectHallucinations objectHallucinations(JsonNode n) {
        if (n.isMissingNode()) return null;
        Map<String, ObjectHallucinations.Count> counts = new LinkedHashMap<>();
        n.properties().forEach(o -> counts.put(o.getKey(), new ObjectHallucinations.Count(o.getValue().path("mentions").asInt(),
                o.getValue().path("hallucinated").asInt())));
        return new ObjectHallucinations(counts);
    }

    /** F1 of one POPE split; NaN where that split was not asked. */
    public double popeF1(String split) {
        Pope p = pope.get(split);
        return p == null ? Double.NaN : p.f1();
    }

    /** Share of one POPE split's questions answered "Yes" (half of them are about absent objects); NaN where that split was not asked. */
    public double popeYesRatio(String split) {
        Pope p = pope.get(split);
        return p == null ? Double.NaN : p.yesRatio();
    }

    /** Share of hallucinated mentions in their caption's last clause; NaN without clause figures or hallucinations. */
    public double lastClauseShare() {
        return clauses == null ? Double.NaN : clauses.lastClauseShare();
    }

    private static double num(JsonNode n, String key) {
        JsonNode v = n.path(key);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asInt();
        return out;
    }
}

package org.efuf4j.world.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Per model (the base and every unlearned model), each evaluation figure's values over the seeds, their mean and their
 * spread. The base model is evaluated once (greedy captions of fixed weights do not depend on the unlearning seed).
 */
public final class Summary {
    /** One evaluation figure: its key, its label in reports, whether it is shown as a percentage, and how to read it. */
    public record Metric(String key, String label, boolean percent, ToDoubleFunction<ModelEvaluation> read) {}

    public static final List<Metric> METRICS = List.of(
            new Metric("chair_s", "CHAIR_s", true, ModelEvaluation::chairS),
            new Metric("chair_i", "CHAIR_i", true, ModelEvaluation::chairI),
            new Metric("recall", "Recall", true, ModelEvaluation::recall),
            new Metric("recall_small", "Recall small", true, ModelEvaluation::recallSmall),
            new Metric("recall_large", "Recall large", true, ModelEvaluation::recallLarge),
            new Metric("pope_random_f1", "POPE F1 random", true, e -> e.popeF1("random")),
            new Metric("pope_popular_f1", "POPE F1 popular", true, e -> e.popeF1("popular")),
            new Metric("pope_adversarial_f1", "POPE F1 adversarial", true, e -> e.popeF1("adversarial")),
            new Metric("pope_random_yes", "POPE Yes random", true, e -> e.popeYesRatio("random")),
            new Metric("pope_popular_yes", "POPE Yes popular", true, e -> e.popeYesRatio("popular")),
            new Metric("pope_adversarial_yes", "POPE Yes adversarial", true, e -> e.popeYesRatio("adversarial")),
            new Metric("bleu_1", "BLEU-1", false, ModelEvaluation::bleu1),
            new Metric("bleu_1_precision", "BLEU-1 unigram precision", false, ModelEvaluation::bleu1Precision),
            new Metric("bleu_brevity_penalty", "BLEU brevity penalty", false, ModelEvaluation::brevityPenalty),
            new Metric("bleu_2", "BLEU-2", false, ModelEvaluation::bleu2),
            new Metric("bleu_4", "BLEU-4", false, ModelEvaluation::bleu4),
            new Metric("perplexity", "Perplexity", false, ModelEvaluation::perplexity),
            new Metric("objects_per_caption", "Objects/caption", false, ModelEvaluation::objectsPerCaption),
            new Metric("repeating_object_share", "Repeated-object", true, ModelEvaluation::repeatingShare),
            new Metric("unterminated_share", "Unterminated", true, ModelEvaluation::unterminatedShare),
            new Metric("last_clause_share", "Hallucinations in last clause", true, ModelEvaluation::lastClauseShare));

    /** A figure over the runs: one value per seed (NaN where undefined), mean and sample spread of the finite ones. */
    public record Stat(List<Double> values, double mean, double std) {
        static Stat of(List<Double> values) {
            double sum = 0;
            int n = 0;
            for (double v : values) if (Double.isFinite(v)) { sum += v; n++; }
            double mean = n == 0 ? Double.NaN : sum / n, ss = 0;
            for (double v : values) if (Double.isFinite(v)) ss += (v - mean) * (v - mean);
            return new Stat(List.copyOf(values), mean, n < 2 ? (n == 1 ? 0 : Double.NaN) : Math.sqrt(ss / (n - 1)));
        }

        /** The value of run {@code k}; the single value of a model evaluated once, whatever {@code k}. */
        public double value(int k) {
            if (values.size() == 1) return values.getFirst();
            return k < values.size() ? values.get(k) : Double.NaN;
        }
    }

    /** @param runs how many evaluations the figures pool (seeds for an unlearned model, 1 for the base) */
    public record ModelSummary(int runs, Map<String, Stat> metrics) {
        public Stat stat(String key) {
            Stat s = metrics.get(key);
            if (s == null) throw new IllegalArgumentException("no figure '" + key + "' in the summary; known: " + metrics.keySet());
            return s;
        }

        public double mean(String key) { return stat(key).mean(); }
    }

    private Summary() {}

    public static ModelSummary of(List<ModelEvaluation> runs) {
        Map<String, Stat> m = new LinkedHashMap<>();
        for (Metric metric : METRICS) {
            List<Double> values = new ArrayList<>();
            for (ModelEvaluation r : runs) values.add(metric.read().applyAsDouble(r));
            m.put(metric.key(), Stat.of(values));
        }
        return new ModelSummary(runs.size(), m);
    }

    public static Metric metric(String key) {
        for (Metric m : METRICS) if (m.key().equals(key)) return m;
        throw new IllegalArgumentException("no figure '" + key + "'; known: " + METRICS.stream().map(Metric::key).toList());
    }
}

package org.efuf4j.world.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;

/**
 * The acceptance criteria (with the scorer's labels), computed from the seed means in the summary: each with
 * the measured value, the bound and whether it holds; beside it the same measure on every seed alone and their
 * standard deviation (the base model is one run, shared by the seeds). A criterion whose inputs are missing (a
 * variant not trained, a figure undefined) does not hold. The paper's Table 3 statements are checked the same way
 * ({@link #ablationOrder}); a world that orders the ablations otherwise is a finding, not a failed criterion.
 */
public final class Acceptance {
    private Acceptance() {}

    /**
     * @param perSeed      the measure on each seed alone (NaN where undefined)
     * @param spread       sample standard deviation of the per-seed values (NaN under two)
     * @param seedsHolding seeds on which the measure alone holds
     */
    public record Criterion(String criterion, String measure, Unit unit, double value, List<Double> perSeed, double spread, String bound,
                            boolean holds, int seedsHolding, String text) {
        public String value(double v) { return unit.format(v); }

        public String spreadText() { return unit.spread(spread); }
    }

    /** How a measure reads to people: a change in percent, in points, a share, or a plain difference. */
    public enum Unit {
        /** a fraction shown in percent with one decimal, signed (a relative change or drop) */
        RELATIVE("%+.1f%%", 100),
        /** a difference of percentages in points, signed */
        POINTS("%+.2f", 1),
        /** a share in percent */
        SHARE("%.1f%%", 100),
        /** a difference of plain figures (perplexity), signed */
        PLAIN("%+.3f", 1);

        private final String pattern;
        private final double scale;

        Unit(String pattern, double scale) {
            this.pattern = pattern;
            this.scale = scale;
        }

        public String format(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, pattern, scale * v) : "undefined";
        }

        /** a standard deviation: no sign */
        public String spread(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, pattern.replace("+", ""), scale * v) : "n/a";
        }
    }

    /** A figure's value for a model: the seed mean, or one seed's value. */
    @FunctionalInterface
    interface Figures {
        double of(String model, String key);
    }

    /** The bounds that the analysis also reasons with: CHAIR_s and CHAIR_i fall by this share, recall by at most these points. */
    public static final double CHAIR_DROP = 0.15, RECALL_POINTS = 3;

    /** The acceptance of one EFUF model key (a schedule) against the base. */
    public static List<Criterion> evaluate(Map<String, Summary.ModelSummary> summary, String efuf) {
        List<Criterion> out = new ArrayList<>();
        String b = Variant.BASE, e = efuf;
        String chairDrop = String.format(Locale.ROOT, "%.0f%%", 100 * CHAIR_DROP), chairBound = String.format(Locale.ROOT, ">= %+.1f%%", 100 * CHAIR_DROP);
        add(summary, out, List.of(b, e), "CHAIR_s falls by >= " + chairDrop + " relative", "relative drop", Unit.RELATIVE,
                m -> relativeDrop(m.of(b, "chair_s"), m.of(e, "chair_s")), chairBound, d -> d >= CHAIR_DROP);
        add(summary, out, List.of(b, e), "CHAIR_i falls by >= " + chairDrop + " relative", "relative drop", Unit.RELATIVE,
                m -> relativeDrop(m.of(b, "chair_i"), m.of(e, "chair_i")), chairBound, d -> d >= CHAIR_DROP);
        add(summary, out, List.of(b, e), "BLEU-1 falls by <= 1 point", "BLEU-1 change (points)", Unit.POINTS, m -> m.of(e, "bleu_1") - m.of(b, "bleu_1"),
                ">= -1", d -> d >= -1);
        add(summary, out, List.of(b, e), "Perplexity rises by <= 10%", "perplexity change (relative)", Unit.RELATIVE,
                m -> m.of(e, "perplexity") / m.of(b, "perplexity") - 1, "<= +10.0%", d -> d <= 0.10);
        add(summary, out, List.of(b, e), String.format(Locale.ROOT, "Recall falls by <= %.0f points", RECALL_POINTS), "recall change (points)", Unit.POINTS,
                m -> points(m, e, b, "recall"), String.format(Locale.ROOT, ">= -%.0f", RECALL_POINTS), d -> d >= -RECALL_POINTS);
        add(summary, out, List.of(b, e), "Small-object recall falls by <= 5 points", "small-object recall change (points)", Unit.POINTS,
                m -> points(m, e, b, "recall_small"), ">= -5", d -> d >= -5);
        add(summary, out, List.of(b, e), "Repeated-object share rises by <= 2 points", "repeated-object change (points)", Unit.POINTS,
                m -> points(m, e, b, "repeating_object_share"), "<= +2", d -> d <= 2);
        add(summary, out, List.of(b, e), "Unterminated captions <= 1%", "unterminated share (EFUF)", Unit.SHARE, m -> m.of(e, "unterminated_share"),
                "<= 1.0%", d -> d <= 0.01);
        add(summary, out, List.of(b, e), "POPE F1 falls by <= 1 point on every split", "worst split's F1 change (points)", Unit.POINTS,
                m -> Math.min(points(m, e, b, "pope_random_f1"), Math.min(points(m, e, b, "pope_popular_f1"), points(m, e, b, "pope_adversarial_f1"))),
                ">= -1", d -> d >= -1);
        return out;
    }

    /**
     * The paper's Table 3 statements on this world, with the same labels: fine-grained EFUF lowers CHAIR_s more than
     * vanilla (sentence-level) unlearning; without the sentence loss fluency suffers most; the sentence loss alone
     * lowers CHAIR_s least of the paper's variants.
     */
    public static List<Criterion> ablationOrder(Map<String, Summary.ModelSummary> summary) {
        List<Criterion> out = new ArrayList<>();
        String e = Variant.EFUF, v = "vanilla", ns = "no_sentence", so = "sentence_only";
        add(summary, out, List.of(e, v), "Fine-grained EFUF lowers CHAIR_s more than vanilla (sentence-level) unlearning",
                "CHAIR_s vanilla - EFUF (points)", Unit.POINTS, m -> 100 * (m.of(v, "chair_s") - m.of(e, "chair_s")), "> 0", d -> d > 0);
        add(summary, out, List.of(e, v, ns, so), "Without the sentence loss fluency suffers most (highest perplexity of the paper's variants)",
                "perplexity no_sentence - max(other variants)", Unit.PLAIN,
                m -> m.of(ns, "perplexity") - Math.max(m.of(e, "perplexity"), Math.max(m.of(v, "perplexity"), m.of(so, "perplexity"))), "> 0",
                d -> d > 0);
        add(summary, out, List.of(e, v, ns, so), "The sentence loss alone lowers CHAIR_s least of the paper's variants",
                "CHAIR_s sentence_only - max(other variants) (points)", Unit.POINTS,
                m -> 100 * (m.of(so, "chair_s") - Math.max(m.of(e, "chair_s"), Math.max(m.of(v, "chair_s"), m.of(ns, "chair_s")))), "> 0",
                d -> d > 0);
        return out;
    }

    private static double points(Figures m, String model, String base, String key) {
        return 100 * (m.of(model, key) - m.of(base, key));
    }

    private static double relativeDrop(double base, double efuf) {
        return base > 0 ? (base - efuf) / base : Double.NaN;
    }

    /** {@code models}: the model keys the measure reads; per-seed values cover the seeds all of them ran. */
    private static void add(Map<String, Summary.ModelSummary> summary, List<Criterion> out, List<String> models, String criterion, String measure,
                            Unit unit, ToDoubleFunction<Figures> f, String bound, DoublePredicate holds) {
        double value = f.applyAsDouble((model, key) -> summary.containsKey(model) ? summary.get(model).mean(key) : Double.NaN);
        int seeds = Integer.MAX_VALUE;
        for (String model : models) {
            Summary.ModelSummary s = summary.get(model);
            if (s == null) seeds = 0;
            else if (!model.equals(Variant.BASE)) seeds = Math.min(seeds, s.runs());
        }
        if (seeds == Integer.MAX_VALUE) seeds = 1;
        List<Double> perSeed = new ArrayList<>();
        double sum = 0, sq = 0;
        int finite = 0, held = 0;
        for (int k = 0; k < seeds; k++) {
            int seed = k;
            double v = f.applyAsDouble((model, key) -> summary.get(model).stat(key).value(seed));
            perSeed.add(v);
            if (Double.isFinite(v)) {
                sum += v;
                sq += v * v;
                finite++;
                if (holds.test(v)) held++;
            }
        }
        double spread = finite < 2 ? Double.NaN : Math.sqrt(Math.max(0, (sq - sum * sum / finite) / (finite - 1)));
        boolean ok = Double.isFinite(value) && holds.test(value);
        String text = String.format(Locale.ROOT, "%s: %s = %s%s (bound %s) -> %s", criterion, measure,
                unit.format(value), Double.isFinite(spread) ? " +/- " + unit.spread(spread) + " over " + finite + " seeds" : "", bound,
                ok ? "holds" : "does not hold");
        out.add(new Criterion(criterion, measure, unit, value, perSeed, spread, bound, ok, held, text));
    }

    /** How many criteria of a list hold. */
    public static int holding(List<Criterion> criteria) {
        return (int) criteria.stream().filter(Criterion::holds).count();
    }
}

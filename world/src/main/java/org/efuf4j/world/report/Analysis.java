package org.efuf4j.world.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.efuf4j.world.demo.Acceptance;
import org.efuf4j.world.demo.DemoMetrics;
import org.efuf4j.world.demo.ModelEvaluation;
import org.efuf4j.world.demo.ObjectUnlearning;
import org.efuf4j.world.demo.Summary;
import org.efuf4j.world.demo.Variant;

/**
 * The report's analysis: statements about this run, each derived from its measurements (which way a figure moved, by
 * how much, whether the paper's order holds), so that the text is true of whatever run it describes.
 */
final class Analysis {
    private Analysis() {}

    static List<String> paragraphs(DemoMetrics m) {
        List<String> out = new ArrayList<>();
        String e = m.schedule();
        List<Acceptance.Criterion> acc = m.reportedAcceptance();
        out.add(String.format(Locale.ROOT, "Under %s CHAIR_s went from %s to %s (%s relative) and CHAIR_i from %s to %s, with recall %s; %d of %d"
                        + " acceptance criteria hold on the seed means over %d seed(s).%s",
                Variant.label(e), pct(m, Variant.BASE, "chair_s"), pct(m, e, "chair_s"), relative(mean(m, Variant.BASE, "chair_s"), mean(m, e, "chair_s")),
                pct(m, Variant.BASE, "chair_i"), pct(m, e, "chair_i"), change(m, e, "recall"), Acceptance.holding(acc), acc.size(), runs(m, e), failing(acc)));
        List<DemoMetrics.Gate> gates = m.baseModels().failing();
        if (!gates.isEmpty())
            out.add("The base models fail " + gates.size() + " of their " + m.baseModels().gates().size() + " quality gates ("
                    + String.join("; ", gates.stream().map(DemoMetrics.Gate::name).toList()) + "): the effects above are measured on base models"
                    + " below the issue's bar, so they say what EFUF does to these models, not yet what it does to credible ones.");
        else out.add("Every base-model gate holds: the captioner perceives, writes whole descriptions, and hallucinates at the end of them.");
        out.add(popeLean(m, e));
        out.add(clauses(m, e));
        out.add(kinds(m, e));
        out.add(objects(m, e));
        out.add(sizes(m, e));
        out.add(bleu(m, e));
        out.add(schedules(m));
        out.add(paperSettings(m));
        out.add(oracle(m));
        out.addAll(controls(m));
        out.removeIf(String::isEmpty);
        return out;
    }

    /** Where the world orders the paper's ablations as the paper does, and where not, with what the figures show. */
    static List<String> ablationFindings(DemoMetrics m) {
        List<String> out = new ArrayList<>();
        List<Acceptance.Criterion> order = m.ablationOrder();
        long agree = order.stream().filter(Acceptance.Criterion::holds).count();
        long unmeasured = order.stream().filter(c -> !Double.isFinite(c.value())).count();
        out.add(agree + " of the paper's " + order.size() + " Table 3 statements hold on this world"
                + (unmeasured == 0 ? "." : "; " + unmeasured + " could not be measured, because a variant they compare did not train (see the table above)."));
        if (!m.summary().containsKey("sentence_only") || !m.summary().containsKey(Variant.EFUF)) return out;
        double so = mean(m, "sentence_only", "chair_s"), ef = mean(m, Variant.EFUF, "chair_s"), base = mean(m, Variant.BASE, "chair_s");
        double soObjects = mean(m, "sentence_only", "objects_per_caption"), baseObjects = mean(m, Variant.BASE, "objects_per_caption");
        if (Double.isFinite(so) && Double.isFinite(ef) && so <= ef)
            out.add(String.format(Locale.ROOT, "Unlike the paper, the sentence loss alone lowers CHAIR_s at least as much as EFUF here (%s against %s, base"
                            + " %s). Its captions name %s objects each against the base's %s and EFUF's %s: %s", DemoReport.pct(so), DemoReport.pct(ef),
                    DemoReport.pct(base), num(soObjects), num(baseObjects), num(mean(m, Variant.EFUF, "objects_per_caption")),
                    soObjects < baseObjects
                            ? "fine-tuning on the captions the scorer rates clean teaches the captioner to stop sooner, and the objects it no longer names"
                            + " include the run-on ones, without any ascent."
                            : "it does not get there by naming fewer objects, so the gap to EFUF lies in which objects are named, not how many."));
        double v = mean(m, "vanilla", "chair_s");
        ModelEvaluation b = first(m, Variant.BASE);
        boolean atEnd = b != null && b.clauses() != null && b.clauses().lastClauseShare() > b.clauses().lastClauseMentionShare();
        double vr = mean(m, "vanilla", "recall"), er = mean(m, Variant.EFUF, "recall"), br = mean(m, Variant.BASE, "recall");
        if (Double.isFinite(v) && Double.isFinite(ef) && v <= ef)
            out.add(String.format(Locale.ROOT, "Unlike the paper, sentence-level (vanilla) unlearning lowers CHAIR_s at least as much as fine-grained EFUF"
                            + " here (%s against %s, base %s)%s%s", DemoReport.pct(v), DemoReport.pct(ef), DemoReport.pct(base),
                    atEnd ? ": the base captioner's hallucinations gather in the last clause (see below), so unlearning the whole hallucinating"
                            + " sentence mostly unlearns that clause, and the finer granularity has little left to add."
                            : "; the hallucinations do not gather in one clause here, so this is not explained by where they sit.",
                    Double.isFinite(vr) && Double.isFinite(er) && vr < er
                            ? String.format(Locale.ROOT, " It pays in recall, though: %s against EFUF's %s (base %s), since ascent on a whole"
                                    + " description also unlearns the present objects it names.", DemoReport.pct(vr), DemoReport.pct(er), DemoReport.pct(br))
                            : ""));
        double ns = mean(m, "no_sentence", "perplexity");
        if (Double.isFinite(ns) && !order.get(1).holds()) {
            String highest = null;
            for (String k : List.of("vanilla", "sentence_only", Variant.EFUF))
                if (Double.isFinite(mean(m, k, "perplexity")) && (highest == null || mean(m, k, "perplexity") > mean(m, highest, "perplexity"))) highest = k;
            if (highest != null)
                out.add(String.format(Locale.ROOT, "Without the sentence loss the perplexity is %s (base %s), while %s reaches %s: here the sentence loss is"
                                + " not what holds fluency in this small model; the run that drifts furthest from the base captioner's language is %s.",
                        num(ns), num(mean(m, Variant.BASE, "perplexity")), Variant.label(highest), num(mean(m, highest, "perplexity")), Variant.label(highest)));
        }
        return out;
    }

    private static String clauses(DemoMetrics m, String e) {
        ModelEvaluation b = first(m, Variant.BASE), a = first(m, e);
        if (b == null || b.clauses() == null || b.clauses().hallucinated() == 0) return "";
        double last = b.clauses().lastClauseShare(), base = b.clauses().lastClauseMentionShare();
        String where = last > base ? "gather at the end of the descriptions, as the language-prior mechanism predicts"
                : "do not gather at the end of the descriptions: fewer of them sit in a last clause than position alone would put there";
        String s = String.format(Locale.ROOT, "In the base captioner %s of the hallucinated mentions sit in their caption's last clause, against %s of"
                + " all mentions: the hallucinations %s.", DemoReport.pct(last), DemoReport.pct(base), where);
        if (a != null && a.clauses() != null)
            s += String.format(Locale.ROOT, " After %s (seed 1) the hallucinated mentions number %d instead of %d, %d of them in a last clause instead of %d"
                            + " (last-clause share %s).", Variant.label(e), a.clauses().hallucinated(), b.clauses().hallucinated(),
                    a.clauses().hallucinatedInLast(), b.clauses().hallucinatedInLast(), DemoReport.pct(a.clauses().lastClauseShare()));
        return s;
    }

    /**
     * What EFUF removed of each kind of hallucination: the added ones, past the caption's evidence, are the language
     * prior's, which unlearning the clause that opens them reaches; the swapped ones stand for an object the captioner
     * missed, a perception error.
     */
    static String kinds(DemoMetrics m, String e) {
        ModelEvaluation b = first(m, Variant.BASE);
        List<ModelEvaluation> after = m.evaluations(e).stream().filter(r -> r.kinds() != null).toList();
        if (b == null || b.kinds() == null || after.isEmpty() || b.kinds().added() == 0 || b.kinds().swapped() == 0) return "";
        double added = after.stream().mapToInt(r -> r.kinds().added()).average().orElseThrow();
        double swapped = after.stream().mapToInt(r -> r.kinds().swapped()).average().orElseThrow();
        double fewerAdded = 1 - added / b.kinds().added(), fewerSwapped = 1 - swapped / b.kinds().swapped();
        String verdict = fewerAdded > fewerSwapped + 0.1
                ? "unlearning the decision to go on removes the language prior's hallucinations; the swapped ones are errors of perception,"
                        + " which unlearning the captioner's clauses does not reach"
                : fewerSwapped > fewerAdded + 0.1 ? "it removes more of the swapped kind than of the added, so here it acts on perception more than on the language prior"
                : "it removes both kinds alike";
        return String.format(Locale.ROOT, "Of the base captioner's %d hallucinated mentions, %d are added past the evidence (their caption misses no"
                        + " present object that could stand for them) and %d are swapped for a present object their caption misses. After %s (mean"
                        + " over %d seed(s)) %.1f added and %.1f swapped remain (%s added, %s swapped): %s.", b.kinds().hallucinated(), b.kinds().added(),
                b.kinds().swapped(), Variant.label(e), after.size(), added, swapped, fewerOrMore(fewerAdded), fewerOrMore(fewerSwapped), verdict);
    }

    /**
     * Whether what {@code e} leaves is what the scorer cannot see: the hallucinations of objects the scorer rarely sends
     * below T1 beside those of objects it mostly does.
     */
    static String objects(DemoMetrics m, String e) {
        List<ObjectUnlearning> rows = ObjectUnlearning.of(m, e);
        ObjectUnlearning.Group blind = ObjectUnlearning.Group.of(rows, 0, BLIND), seen = ObjectUnlearning.Group.of(rows, SEEN, Double.POSITIVE_INFINITY);
        if (blind.base() == 0 || seen.base() == 0) return "";
        double fewerBlind = blind.fewer(), fewerSeen = seen.fewer();
        String verdict = fewerSeen > fewerBlind + 0.1
                ? "EFUF unlearns what its scorer catches; an object the scorer cannot tell present from absent rarely reaches D-, and its"
                        + " hallucinations stay"
                : fewerBlind > fewerSeen + 0.1 ? "the objects the scorer misses lose more of their hallucinations than those it catches, so"
                        + " its labels do not bound the effect here"
                : "objects the scorer catches and objects it misses lose their hallucinations alike";
        return String.format(Locale.ROOT, "By object (the table above): the %d object(s) whose hallucinated formation mentions the scorer sends below T1"
                        + " less than a quarter of the time (most hallucinated: %s) have %d hallucinated mentions in the base captions and %.1f after %s"
                        + " (%s); the %d it sends there at least half of the time have %d and %.1f (%s): %s.", blind.objects().size(),
                String.join(", ", blind.objects().subList(0, Math.min(4, blind.objects().size()))), blind.base(), blind.after(), Variant.label(e),
                fewerOrMore(fewerBlind), seen.objects().size(), seen.base(), seen.after(), fewerOrMore(fewerSeen), verdict);
    }

    /** Below this share of its hallucinations scored under T1 the scorer is blind to an object; from {@link #SEEN} on it sees it. */
    static final double BLIND = 0.25, SEEN = 0.5;

    private static String fewerOrMore(double fewer) {
        return fewer >= 0 ? DemoReport.pct(fewer) + " fewer" : DemoReport.pct(-fewer) + " more";
    }

    private static String sizes(DemoMetrics m, String e) {
        double ds = points(m, e, "recall_small"), dl = points(m, e, "recall_large");
        if (!Double.isFinite(ds) || !Double.isFinite(dl)) return "";
        String where = ds < dl - 1 ? "the loss of recall falls on the small objects, which the descriptions list last"
                : ds > dl + 1 ? "small objects fare better than large ones" : "small and large objects are affected alike";
        return String.format(Locale.ROOT, "Recall of small objects moved by %+.1f points (%s to %s), of large objects by %+.1f points (%s to %s): %s.",
                ds, pct(m, Variant.BASE, "recall_small"), pct(m, e, "recall_small"), dl, pct(m, Variant.BASE, "recall_large"), pct(m, e, "recall_large"), where);
    }

    private static String schedules(DemoMetrics m) {
        List<Acceptance.Criterion> pass = m.acceptance().getOrDefault(Variant.EFUF, List.of()), stop = m.acceptance().getOrDefault(Variant.EFUF_STOPPED, List.of());
        if (!m.summary().containsKey(Variant.EFUF_STOPPED)) return "";
        List<String> steps = new ArrayList<>();
        for (DemoMetrics.SeedRun s : m.seeds()) {
            DemoMetrics.VariantRun r = s.variants().get(Variant.EFUF);
            if (r != null && r.training().stoppedAtStep() >= 0) steps.add(r.training().stoppedAtStep() + " of " + r.training().steps());
        }
        return String.format(Locale.ROOT, "The validation schedule stopped at step %s (per seed); it gives CHAIR_s %s and recall %s against the full pass's"
                        + " %s and %s, and %d against %d criteria holding. The report's result is %s.", String.join(", ", steps),
                pct(m, Variant.EFUF_STOPPED, "chair_s"), pct(m, Variant.EFUF_STOPPED, "recall"), pct(m, Variant.EFUF, "chair_s"), pct(m, Variant.EFUF, "recall"),
                Acceptance.holding(stop), Acceptance.holding(pass), Variant.label(m.schedule())) + tradeOff(m, pass, stop);
    }

    /**
     * Where the full pass fails only on recall and the validation stop only on CHAIR, the two doses sit on either side
     * of the acceptance: says what each paid in recall for its CHAIR_s, and whether the line between them reaches the
     * CHAIR bounds where it costs the recall bound's 3 points. If it does, the dose exists and the stopping step missed
     * it; if not, the captioner's trade-off, not the step, is the limit.
     */
    private static String tradeOff(DemoMetrics m, List<Acceptance.Criterion> pass, List<Acceptance.Criterion> stop) {
        List<Acceptance.Criterion> passFails = pass.stream().filter(c -> !c.holds()).toList(), stopFails = stop.stream().filter(c -> !c.holds()).toList();
        if (passFails.isEmpty() || stopFails.isEmpty() || !passFails.stream().allMatch(Analysis::onRecall)
                || !stopFails.stream().allMatch(c -> c.criterion().startsWith("CHAIR"))) return "";
        double passDrop = relativeDrop(m, Variant.EFUF, "chair_s"), stopDrop = relativeDrop(m, Variant.EFUF_STOPPED, "chair_s");
        double passDropI = relativeDrop(m, Variant.EFUF, "chair_i"), stopDropI = relativeDrop(m, Variant.EFUF_STOPPED, "chair_i");
        double passCost = -points(m, Variant.EFUF, "recall"), stopCost = -points(m, Variant.EFUF_STOPPED, "recall");
        if (!(mean(m, Variant.BASE, "chair_s") > 0 && mean(m, Variant.BASE, "chair_i") > 0 && passCost > stopCost && stopCost > 0)) return "";
        String sides = String.format(Locale.ROOT, " The two schedules fail on opposite sides: the full pass lowers CHAIR_s by %.1f%% at %.1f points of recall,"
                + " the validation stop by %.1f%% at %.1f (%.1f%% and %.1f%% of relative CHAIR_s per point of recall).", passDrop, passCost, stopDrop, stopCost,
                passDrop / passCost, stopDrop / stopCost);
        double at = (Acceptance.RECALL_POINTS - stopCost) / (passCost - stopCost);
        double lineDrop = stopDrop + at * (passDrop - stopDrop), lineDropI = stopDropI + at * (passDropI - stopDropI);
        if (at > 0 && at < 1 && lineDrop >= 100 * Acceptance.CHAIR_DROP && lineDropI >= 100 * Acceptance.CHAIR_DROP)
            return sides + String.format(Locale.ROOT, " On the line between them, a dose that costs %.0f points of recall lowers CHAIR_s by %.1f%% and CHAIR_i"
                    + " by %.1f%%: a dose that meets both bounds lies between the two, and what this run misses is the stopping step, which the"
                    + " validation schedule's recall limit on its own images set short of it.", Acceptance.RECALL_POINTS, lineDrop, lineDropI);
        return sides + " Neither dose meets both bounds, nor does the line between them: what limits this run is the recall each point of CHAIR_s costs"
                + " on this captioner, not the choice of stopping step.";
    }

    private static boolean onRecall(Acceptance.Criterion c) {
        return c.criterion().toLowerCase(Locale.ROOT).contains("recall falls");
    }

    private static String paperSettings(DemoMetrics m) {
        if (!m.summary().containsKey("efuf_paper")) return "";
        return String.format(Locale.ROOT, "With the paper's settings CHAIR_s went to %s (%s relative) with recall %s; with the demo's settings (one pass)"
                        + " to %s (%s relative) with recall %s.", pct(m, "efuf_paper", "chair_s"), relative(mean(m, Variant.BASE, "chair_s"), mean(m, "efuf_paper", "chair_s")), change(m, "efuf_paper", "recall"),
                pct(m, Variant.EFUF, "chair_s"), relative(mean(m, Variant.BASE, "chair_s"), mean(m, Variant.EFUF, "chair_s")), change(m, Variant.EFUF, "recall"));
    }

    /** The scorer's labels against the world's truth, on the same seed and captions. */
    private static String oracle(DemoMetrics m) {
        ModelEvaluation o = first(m, Variant.ORACLE), e = first(m, Variant.EFUF), b = m.base();
        if (o == null || e == null || b == null) return "";
        double drop = b.chairS() > 0 ? (b.chairS() - o.chairS()) / b.chairS() : Double.NaN;
        return String.format(Locale.ROOT, "With oracle labels (the world's truth instead of the scorer's, the same captions and thresholds) EFUF reaches"
                        + " CHAIR_s %s (%s relative) and recall %+.1f points on seed 1, against %s with the scorer's labels: %s", DemoReport.pct(o.chairS()),
                relative(b.chairS(), o.chairS()), 100 * (o.recall() - b.recall()), DemoReport.pct(e.chairS()),
                o.chairS() > e.chairS() ? "the scorer's labels lower CHAIR_s further than the truth does, so the truth is no upper bound here."
                        + negatives(m)
                        : drop >= 0.15 ? "better labels alone would meet the CHAIR_s criterion at this dose."
                        : o.chairS() < e.chairS() ? "better labels help, but at this dose not enough for the CHAIR_s criterion; the dose, not only the labels, limits the effect."
                        : "the labels are not what limits the effect at this dose.");
    }

    /** The two D- sizes of seed 1, where the formation recorded them. */
    private static String negatives(DemoMetrics m) {
        if (m.seeds().isEmpty() || m.seeds().getFirst().formation() == null) return "";
        DemoMetrics.Formation f = m.seeds().getFirst().formation();
        // only a larger D- of the truth's adds clauses, and only with more steps for less effect does each step remove fewer
        if (f.dataset() == null || f.oracleDataset() == null || f.oracleDataset().negative() <= f.dataset().negative()) return "";
        return String.format(Locale.ROOT, " The truth's D- holds %d clauses against the scorer's %d: it adds the hallucinations the scorer scored as"
                + " present, whose ascent removed fewer hallucinations per step on this captioner.", f.oracleDataset().negative(), f.dataset().negative());
    }

    private static List<String> controls(DemoMetrics m) {
        List<String> out = new ArrayList<>();
        if (m.summary().containsKey("no_ascent") && m.summary().containsKey(Variant.EFUF)) {
            // the controls run on the first seeds only: compare them with EFUF on the same (first) seed
            double withAscent = first(m, Variant.EFUF).chairS(), without = first(m, "no_ascent").chairS();
            out.add(String.format(Locale.ROOT, "Control L_pos + L_sent without ascent: CHAIR_s %s against EFUF's %s on the same seed; the ascent on the"
                            + " hallucinated clauses %s.",
                    DemoReport.pct(without), DemoReport.pct(withAscent),
                    withAscent < without ? String.format(Locale.ROOT, "removes %.1f points more", 100 * (without - withAscent))
                            : "adds nothing the likelihood terms do not already do"));
        }
        if (m.summary().containsKey("ascent_only")) {
            double dr = points(m, "ascent_only", "recall"), unterminated = mean(m, "ascent_only", "unterminated_share");
            boolean collapsed = dr < -3 || unterminated > 0.01;
            out.add(String.format(Locale.ROOT, "Control ascent only: CHAIR_s %s, recall %+.1f points, %s of captions unterminated: %s.",
                    pct(m, "ascent_only", "chair_s"), dr, DemoReport.pct(unterminated),
                    collapsed ? "with nothing holding the model in place the ascent costs recall or fluency beyond the bounds"
                            : "at this dose the ascent alone stays within the recall and termination bounds"));
        }
        return out;
    }

    /**
     * Where the base captioner answers "Yes" to far more than half of a POPE split's questions (half are about absent
     * objects), its POPE F1 rests on affirming: answering "Yes" to everything scores 66.7, just under the gate. A
     * captioner that affirms 90% of present objects and rejects 60% of absent ones answers "Yes" 65% of the time, so
     * above that the F1 says less about what it sees than its value suggests.
     */
    static String popeLean(DemoMetrics m, String e) {
        List<String> leaning = new ArrayList<>();
        String worst = null;
        double worstYes = POPE_LEAN;
        for (String split : ModelEvaluation.POPE_SPLITS) {
            double yes = mean(m, Variant.BASE, "pope_" + split + "_yes");
            if (!(yes > POPE_LEAN)) continue;
            leaning.add(String.format(Locale.ROOT, "%s of the %s split's", DemoReport.pct(yes), split));
            if (yes > worstYes) {
                worst = split;
                worstYes = yes;
            }
        }
        if (worst == null) return "";
        return String.format(Locale.ROOT, "The base captioner answers \"Yes\" to %s questions, half of which are about absent objects: it leans to"
                        + " \"Yes\" (answering \"Yes\" to everything scores F1 66.7%%), so its POPE F1 (%s on the %s split) says less about what it"
                        + " sees than the figure suggests. Under %s the %s split's \"Yes\" share is %s.",
                String.join(" and ", leaning), pct(m, Variant.BASE, "pope_" + worst + "_f1"), worst, Variant.label(e), worst,
                pct(m, e, "pope_" + worst + "_yes"));
    }

    /** The "Yes" share above which {@link #popeLean} speaks. */
    static final double POPE_LEAN = 0.65;

    private static String failing(List<Acceptance.Criterion> acc) {
        List<String> f = acc.stream().filter(c -> !c.holds()).map(Acceptance.Criterion::text).toList();
        return f.isEmpty() ? "" : " Not holding: " + String.join("; ", f) + ".";
    }

    private static ModelEvaluation first(DemoMetrics m, String model) {
        List<ModelEvaluation> runs = m.evaluations(model);
        return runs.isEmpty() ? null : runs.getFirst();
    }

    private static int runs(DemoMetrics m, String model) {
        Summary.ModelSummary s = m.summary().get(model);
        return s == null ? 0 : s.runs();
    }

    /**
     * Where BLEU-1 fell, which of its two factors moved it: with references longer than the captions, the brevity penalty
     * charges every clause a model stops writing, hallucinated ones included, while the unigram precision shows whether
     * what it still writes matches the references better or worse.
     */
    static String bleu(DemoMetrics m, String e) {
        double b = mean(m, Variant.BASE, "bleu_1"), x = mean(m, e, "bleu_1");
        double pb = mean(m, Variant.BASE, "bleu_1_precision"), px = mean(m, e, "bleu_1_precision");
        double bpb = mean(m, Variant.BASE, "bleu_brevity_penalty"), bpx = mean(m, e, "bleu_brevity_penalty");
        if (!(Double.isFinite(b) && Double.isFinite(x) && Double.isFinite(pb) && Double.isFinite(px) && Double.isFinite(bpb) && Double.isFinite(bpx))
                || x >= b) return "";
        String why = bpx < bpb && px >= pb
                ? "its whole fall is the brevity penalty: the references are longer than the captions, so each clause the captioner no longer"
                + " writes, hallucinated or not, costs BLEU, while the words it still writes match the references at least as well as before"
                + " (LLaVA's descriptions are longer than COCO's references, so on the paper's data BLEU-1 is its precision alone)"
                : bpx < bpb ? "both factors fell: the captions are shorter than before (the brevity penalty) and what they still say matches the"
                + " references less well (the precision)"
                : "the captions are not shorter, so the fall is in what they say: their words match the references less well";
        double oracle = mean(m, Variant.ORACLE, "bleu_1");
        String bound = Double.isFinite(oracle) && oracle < b
                ? String.format(Locale.ROOT, " With oracle labels (the world's truth instead of the scorer's) BLEU-1 falls too, to %s.", num(oracle))
                : "";
        return String.format(Locale.ROOT, "BLEU-1 fell from %s to %s under %s. Its unigram precision went from %s to %s and its brevity penalty from"
                + " %s to %s: %s.%s", num(b), num(x), Variant.label(e), num(pb), num(px), DemoReport.num(bpb, 3), DemoReport.num(bpx, 3), why, bound);
    }

    private static double mean(DemoMetrics m, String model, String key) {
        Summary.ModelSummary s = m.summary().get(model);
        return s == null ? Double.NaN : s.mean(key);
    }

    /** A model's change from the base in points of a share (recall +2.0 where it went from 0.85 to 0.87). */
    private static double points(DemoMetrics m, String model, String key) {
        return 100 * (mean(m, model, key) - mean(m, Variant.BASE, key));
    }

    /** A model's fall from the base relative to the base, in percent (CHAIR_s 20.0 where it went from 0.50 to 0.40). */
    private static double relativeDrop(DemoMetrics m, String model, String key) {
        double base = mean(m, Variant.BASE, key);
        return 100 * (base - mean(m, model, key)) / base;
    }

    private static String pct(DemoMetrics m, String model, String key) {
        return DemoReport.pct(mean(m, model, key));
    }

    private static String change(DemoMetrics m, String model, String key) {
        double d = points(m, model, key);
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%+.1f points (%s to %s)", d, pct(m, Variant.BASE, key), pct(m, model, key)) : "undefined";
    }

    static String relative(double base, double after) {
        return base > 0 && Double.isFinite(after) ? String.format(Locale.ROOT, "%+.1f%%", 100 * (after - base) / base) : "undefined";
    }

    private static String num(double v) {
        return DemoReport.num(v, 2);
    }
}

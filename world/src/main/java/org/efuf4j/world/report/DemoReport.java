package org.efuf4j.world.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.efuf4j.efuf.eval.ClausePositions;
import org.efuf4j.efuf.eval.HallucinationKinds;
import org.efuf4j.plots.Charts;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.world.demo.Acceptance;
import org.efuf4j.world.demo.DemoMetrics;
import org.efuf4j.world.demo.ModelEvaluation;
import org.efuf4j.world.demo.ObjectLabels;
import org.efuf4j.world.demo.ObjectUnlearning;
import org.efuf4j.world.demo.Summary;
import org.efuf4j.world.demo.Variant;

/**
 * The demo's report, {@code report.md} and {@code report.html}, rendered from its {@link DemoMetrics} alone: the
 * world, the base models and their gates, the unlearning settings beside the paper's, the paper's Figure 2 and Tables
 * 1-3 on this world with the controls, both schedules, where the hallucinations fall in the captions, a gallery, the
 * acceptance, and an analysis whose every statement is derived from the measurements.
 */
public final class DemoReport {
    public static final String MARKDOWN = "report.md", HTML = "report.html";

    private DemoReport() {}

    public static void write(DemoMetrics metrics, Path outDir) {
        unlearningCurves(metrics, outDir);
        clauseChart(metrics, outDir);
        Document doc = build(metrics);
        AtomicFiles.writeString(outDir.resolve(MARKDOWN), doc.markdown());
        AtomicFiles.writeString(outDir.resolve(HTML), doc.html());
    }

    private static void unlearningCurves(DemoMetrics m, Path outDir) {
        if (m.seeds().isEmpty()) return;
        Map<String, double[]> series = new LinkedHashMap<>();
        for (var e : m.seeds().getFirst().variants().entrySet()) {
            List<Double> loss = e.getValue().training().loss();
            if (!loss.isEmpty()) series.put(e.getKey(), loss.stream().mapToDouble(Double::doubleValue).toArray());
        }
        Charts.curvesFromStepOne("Unlearning loss L per step (seed 1)", series, outDir.resolve("plots/unlearning-losses.png"));
    }

    /** Share of each model's mentions at a clause index that are hallucinated, by clause index (1 = first clause). */
    private static void clauseChart(DemoMetrics m, Path outDir) {
        long[] x = new long[ClausePositions.MAX_INDEX + 1];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String model : List.of(Variant.BASE, m.schedule() == null ? Variant.EFUF : m.schedule())) {
            List<ModelEvaluation> runs = m.evaluations(model);
            if (runs.isEmpty() || runs.getFirst().clauses() == null) continue;
            series.put(Variant.label(model), runs.getFirst().clauses().hallucinationRateByClause());
        }
        if (!series.isEmpty()) Charts.curves("Hallucinated share of mentions by clause index (seed 1)", "clause index (1 = first clause)",
                "hallucinated mentions / mentions", x, series, outDir.resolve("plots/clause-positions.png"));
    }

    static Document build(DemoMetrics m) {
        Document d = new Document();
        DemoMetrics.RunSettings settings = m.settings();
        DemoMetrics.Timings tm = m.timings();
        d.heading(1, "EFUF on the embedded synthetic world");
        d.paragraph(String.format(Locale.ROOT, "%s run, EFUF on %d seed(s), ablations and controls on the first %d, device %s, total %.1f s (world %.1f s,"
                        + " base models %.1f s%s, formation %.1f s, unlearning %.1f s, evaluation %.1f s for %d evaluations of %d held-out images each).",
                settings.quick() ? "Quick (CI)" : "Standard", settings.seeds(), settings.ablationSeeds(), settings.device(), tm.totalS(), tm.worldS(),
                tm.baseModelsS(), m.baseModels().shipped() ? ", shipped" : m.baseModels().cached() ? ", cached" : ", trained now", tm.formationS(),
                tm.unlearningS(), tm.evaluationS(), tm.evaluations(), tm.evalImages()));
        if (settings.quick())
            d.paragraph("What a quick run checks: that every stage runs end to end (world, base models trained on the spot, dataset"
                    + " formation, unlearning, evaluation, this report) on a reduced world with tiny models, in under a minute. Its models"
                    + " are too small to perceive the objects, so its figures say nothing about what EFUF does; `efuf demo` without"
                    + " `--quick` measures that on the shipped base models.");

        world(d, m);
        baseModels(d, m);
        unlearningSettings(d, m);
        formation(d, m);

        List<String> t2 = List.of("chair_s", "chair_i", "pope_random_f1", "pope_popular_f1", "pope_adversarial_f1", "pope_popular_yes", "bleu_1",
                "bleu_2", "bleu_4", "perplexity", "recall", "recall_small", "recall_large");
        d.heading(2, "Table 2: base vs EFUF");
        d.paragraph("Mean ± standard deviation over seeds; percentages for CHAIR, recall and POPE F1. CHAIR, recall, BLEU and perplexity on all "
                + tm.evalImages() + " held-out images, POPE on " + (settings.popeImages() == 0 ? "all of them" : "the first " + settings.popeImages())
                + ". POPE Yes: the share of a split's questions answered \"Yes\"; half of them are about absent objects, so 50% is no lean,"
                + " and always answering \"Yes\" scores F1 66.7%. Recall small / large: objects below / at or above the median visible size of the"
                + " held-out objects" + smallBelow(m) + ".");
        d.table(header("model", t2), modelRows(m, List.of(Variant.BASE, Variant.EFUF, Variant.EFUF_STOPPED), t2));

        d.heading(2, "Table 3: ablations, controls and the paper's settings");
        d.paragraph("The paper's Table 3 order (vanilla, no sentence loss, sentence loss only, EFUF), then the three controls (the sentence loss"
                + " alone is the first), then EFUF with the paper's settings, every one with the scorer's labels; last EFUF on the same captions"
                + " and thresholds labelled by the world's truth: what the scorer's errors cost or gave (the analysis says which). All on the same held-out images.");
        List<String> t3 = List.of("chair_s", "chair_i", "bleu_1", "perplexity", "recall", "recall_small", "objects_per_caption",
                "repeating_object_share", "unterminated_share", "pope_popular_f1");
        d.table(header("model", t3), modelRows(m, Variant.models(), t3));
        List<List<String>> rows = new ArrayList<>();
        for (DemoMetrics.SeedRun s : m.seeds()) {
            for (var e : s.variants().entrySet()) {
                DemoMetrics.Training tr = e.getValue().training();
                rows.add(List.of(String.valueOf(s.seed()), Variant.label(e.getKey()), tr.status(), String.valueOf(tr.steps()),
                        tr.stoppedAtStep() < 0 ? "-" : String.valueOf(tr.stoppedAtStep()), used(tr, "positive") + " / " + used(tr, "negative") + " / "
                                + used(tr, "sentence"), num(tr.seconds(), 1)));
            }
        }
        d.table(List.of("seed", "variant", "status", "steps", "validation stop at step", "D+ / D- / Ds samples seen (of)", "seconds"), rows);
        ablationOrder(d, m);

        schedules(d, m);
        clausePositions(d, m);
        objects(d, m);

        d.heading(2, "Training curves");
        d.image("plots/unlearning-losses.png", "Unlearning losses");

        d.heading(2, "Gallery: held-out images, captions before and after EFUF");
        d.paragraph("Hallucinated objects (named but absent) are marked; after: " + Variant.label(m.schedule()) + ", seed 1.");
        for (DemoMetrics.GalleryItem g : m.gallery())
            d.galleryItem(g.thumbnail(), "image " + g.image() + " — present: " + String.join(", ", g.objects()), caption(g.captions().get(Variant.BASE)),
                    caption(g.captions().get(m.schedule())));

        acceptance(d, m);
        analysis(d, m);
        return d;
    }

    private static void world(Document d, DemoMetrics m) {
        DemoMetrics.WorldFacts w = m.world();
        d.heading(2, "World");
        d.table(List.of("property", "value"), List.of(
                List.of("categories", String.valueOf(w.categories())),
                List.of("training / validation / held-out images", w.trainImages() + " / " + w.valImages() + " / " + w.evalImages()),
                List.of("configured rate of detailed training descriptions that run past the present objects", pct(w.descriptionHallucinationRate())),
                List.of("realised share of those descriptions", pct(w.trainingDescriptionHallucinationRate())),
                List.of("configured rate at which a description says where an object lies (BLEU reads on precision where"
                        + " descriptions outrun the references, as LLaVA's outrun COCO's)", pct(w.descriptionPositionRate())),
                List.of("configured rate of short training captions with an absent object", pct(w.captionHallucinationRate())),
                List.of("realised share of short training captions naming an absent object", pct(w.trainingCaptionHallucinationRate())),
                List.of("absent mentions / all mentions in short training captions", pct(w.trainingMentionHallucinationRate())),
                List.of("world configuration", m.settings().world())));
        d.image("plots/world-sample.png", "World sample");
    }

    private static void baseModels(Document d, DemoMetrics m) {
        var bm = m.baseModels().metrics();
        d.heading(2, "Base models");
        d.table(List.of("measure", "value"), List.of(
                List.of("captioner CHAIR_s / CHAIR_i (greedy, " + bm.captions() + " held-out images)", pct(bm.chairS()) + " / " + pct(bm.chairI())),
                List.of("captioner recall / mentions per caption", pct(bm.recall()) + " / " + num(bm.mentionsPerCaption(), 2)),
                List.of("scorer AUC on the captioner's mentions (present vs hallucinated)", num(bm.scorerAuc(), 3) + " (" + bm.presentMentions()
                        + " present, " + bm.hallucinatedMentions() + " hallucinated)"),
                List.of("scorer AUC, present objects vs absent group-mates", num(bm.scorerGroupMateAuc(), 3)),
                List.of("captioner probe AUC (evidence in its own projected features)", num(bm.probeAuc(), 3)),
                List.of("source", m.baseModels().shipped() ? "shipped (pretrained/)" : m.baseModels().cached() ? "cache" : "trained by this run"),
                List.of("scorer", m.settings().scorer()),
                List.of("captioner", m.settings().captioner())));
        d.heading(3, "Quality gates (checked before unlearning)");
        List<List<String>> rows = new ArrayList<>();
        for (DemoMetrics.Gate g : m.baseModels().gates()) rows.add(List.of(g.name(), g.measured(), g.holds() ? "holds" : "FAILS"));
        d.table(List.of("gate", "measured", "result"), rows);
        List<DemoMetrics.Gate> failing = m.baseModels().failing();
        d.paragraph(failing.isEmpty() ? "Every base-model gate holds."
                : "WARNING: " + failing.size() + " of " + m.baseModels().gates().size() + " base-model gates FAIL ("
                + String.join("; ", failing.stream().map(g -> g.name() + ": measured " + g.measured()).toList())
                + "). The unlearning below starts from base models that do not meet the issue's quality bar; read its effects with that in mind.");
        d.image("plots/base-training.png", "Base model training losses");
    }

    /** Why the demo's unlearning knobs differ from the paper's, knob by knob. */
    static final Map<String, String> WHY = Map.of(
            "trainable", "the world's hallucinations come from the language model's prior (descriptions run on past their evidence); the"
                    + " projector alone maps visual features and cannot change the decision to continue",
            "lambda1", "a larger ascent weight removes more hallucinated clauses and costs more recall, BLEU and repeated objects; a smaller"
                    + " one leaves the positive clauses to teach the captioner to mention more objects, and so to hallucinate more",
            "lambda2", "with the comma in the clause targets, ascent teaches the captioner to stop sooner; a heavier sentence loss keeps it"
                    + " from filling the place with an object it has already named",
            "lr", "with negative targets cut at their object each step's ascent bites harder, and a pass at the paper's rate cost"
                    + " more recall than the acceptance allows; this small captioner drifts from its greedy captions under larger steps still",
            "negative_cap", "bounds the ascent on a clause that is already improbable, so that no single sample destroys fluency");

    private static void unlearningSettings(Document d, DemoMetrics m) {
        DemoMetrics.Unlearning demo = m.settings().demo(), paper = m.settings().paper();
        d.heading(2, "Unlearning settings: the demo's default beside the paper's");
        List<List<String>> rows = new ArrayList<>();
        knob(rows, "trainable", demo.trainable(), paper.trainable());
        knob(rows, "lr", sci(demo.lr()), sci(paper.lr()));
        knob(rows, "lambda1", num(demo.lambda1(), 2), num(paper.lambda1(), 2));
        knob(rows, "lambda2", num(demo.lambda2(), 2), num(paper.lambda2(), 2));
        knob(rows, "negative_cap", num(demo.negativeCap(), 1), num(paper.negativeCap(), 1));
        d.table(List.of("setting", "demo default", "paper", "why they differ"), rows);
        d.paragraph("Both rows run on the same datasets and seeds: Table 3 holds \"" + Variant.label("efuf_paper") + "\" beside \""
                + Variant.label(Variant.EFUF) + "\"; the analysis compares them.");
    }

    private static void knob(List<List<String>> rows, String name, String demo, String paper) {
        rows.add(List.of(name, demo, paper, demo.equals(paper) ? "the same" : WHY.get(name)));
    }

    private static void formation(Document d, DemoMetrics m) {
        d.heading(2, "Dataset formation and thresholds");
        List<List<String>> rows = new ArrayList<>();
        for (DemoMetrics.SeedRun s : m.seeds()) {
            DemoMetrics.Formation f = s.formation();
            rows.add(List.of(String.valueOf(s.seed()), String.valueOf(f.images()), String.valueOf(f.labelledImages()), String.valueOf(f.mentions()),
                    num(f.thresholds().t0(), 2), num(f.thresholds().t1(), 2), num(f.thresholds().t2(), 2), counts(f.dataset()), counts(f.vanillaDataset()),
                    counts(f.oracleDataset()), num(f.scorerAuc(), 3), f.thresholdSource()));
        }
        d.paragraph("Thresholds are calibrated on the mentions of a small labelled share of the formation images (target precision "
                + m.settings().targetPrecision() + "); T2 makes Ds about as large as the mean of D+ and D-. D+ is larger than D- here, but a"
                + " run draws one positive beside each negative, so it learns from as many positives as D- holds (the runs' table gives the"
                + " samples seen of each set)."
                + switch (m.settings().repeats()) {
                    case LEFT_OUT -> " A clause that names an object its caption has already named is left out of D+, and a caption"
                            + " that names one object twice out of Ds: both score high (the object is there) but would teach the captioner to list it"
                            + " again (the paper keeps them; LLaVA's captions rarely repeat).";
                    case UNLEARNED -> " A clause that names an object its caption has already named goes to D-, whatever its score, and a caption"
                            + " that names one object twice is left out of Ds: the object is there, so the scorer rates the repeat high and the"
                            + " paper's rules would teach the captioner to list it again; the caption's own text shows the error without any label."
                            + " The paper keeps repeats (LLaVA's captions rarely repeat).";
                    case KEPT -> "";
                }
                + (m.settings().separatorInTarget() ? " A clause's target opens with the separator before it (\", a kite\" after \"... a dog\"): the"
                        + " hallucination lives in the decision to go on after the last object the captioner sees, so unlearning only the words"
                        + " after the comma moves its choice to another object, often one it has already named (measured with the comma left in"
                        + " the context: BENCHMARKS.md, clause targets and the dose)." : "")
                + (m.settings().negativeEndsAtObject() ? " A negative clause's target ends with its object (\", a kite\" of \", a kite at the top"
                        + " right\"): the position words are shared by every clause, present or not, and the positives and sentences teach them"
                        + " back, so the ascent spends itself on going on and on the object." : ""));
        d.table(List.of("seed", "images", "labelled images", "mentions", "T0", "T1", "T2", "D+ / D- / Ds", "vanilla D+ / D- / Ds",
                "oracle-label D+ / D- / Ds", "scorer AUC", "threshold source"), rows);

        d.heading(2, "Figure 2: scores of present vs hallucinated mentions");
        rows = new ArrayList<>();
        for (DemoMetrics.SeedRun s : m.seeds()) {
            var sc = s.formation().scores();
            rows.add(List.of(String.valueOf(s.seed()), String.valueOf(sc.present()), num(sc.presentMean(), 2) + " ± " + num(sc.presentStd(), 2),
                    String.valueOf(sc.hallucinated()), num(sc.hallucinatedMean(), 2) + " ± " + num(sc.hallucinatedStd(), 2), num(sc.overlap(), 3)));
        }
        d.table(List.of("seed", "present", "present mean ± std", "hallucinated", "hallucinated mean ± std", "overlap"), rows);
        d.image("plots/figure2-scores.png", "Figure 2 on the world (seed 1)");

        d.heading(2, "Table 1: how clean the thresholds' tails are");
        rows = new ArrayList<>();
        for (DemoMetrics.SeedRun s : m.seeds()) {
            var t = s.formation().scores();
            rows.add(List.of(String.valueOf(s.seed()), String.valueOf(t.aboveT0()), String.valueOf(t.aboveT0Hallucinated()), pct(t.aboveT0HallucinatedShare()),
                    String.valueOf(t.belowT1()), String.valueOf(t.belowT1Present()), pct(t.belowT1PresentShare())));
        }
        d.table(List.of("seed", "above T0", "of them hallucinated", "share", "below T1", "of them present", "share"), rows);
    }

    private static void ablationOrder(Document d, DemoMetrics m) {
        d.heading(3, "The paper's ablation order on this world");
        List<List<String>> rows = new ArrayList<>();
        for (Acceptance.Criterion c : m.ablationOrder())
            rows.add(List.of(c.criterion(), c.measure(), c.value(c.value()), perSeed(c),
                    c.holds() ? "as in the paper" : Double.isFinite(c.value()) ? "DIFFERS from the paper" : "not measured (a variant did not train)"));
        d.table(List.of("paper's statement", "measure", "value (seed means)", "per seed", "this world"), rows);
        for (String p : Analysis.ablationFindings(m)) d.paragraph(p);
    }

    private static void schedules(Document d, DemoMetrics m) {
        d.heading(2, "Schedules: one pass over D- and validation stopping");
        d.paragraph(String.format(Locale.ROOT, "The paper's schedule runs one pass over D- and keeps the last weights. The validation schedule measures"
                        + " CHAIR and recall on %d validation images (never the held-out images) before the first step and every %d steps, and keeps the"
                        + " step with the lowest CHAIR_s whose recall is at most %.1f points under the start. Both come from the same run%s.",
                m.settings().validationImages(), m.settings().validationEvery(), 100 * m.settings().recallLimit(),
                m.settings().validationPasses() > 1 ? ", which goes on past the paper's last step to " + m.settings().validationPasses()
                        + " passes over D- for the validation schedule alone: where D- is small one pass can stop short of the dose the recall limit allows" : ""));
        List<List<String>> rows = new ArrayList<>();
        for (var e : m.acceptance().entrySet()) {
            Summary.ModelSummary s = m.summary().get(e.getKey());
            rows.add(List.of(Variant.label(e.getKey()), s == null ? "n/a" : pct(s.mean("chair_s")), s == null ? "n/a" : pct(s.mean("recall")),
                    Acceptance.holding(e.getValue()) + " / " + e.getValue().size(), e.getKey().equals(m.schedule()) ? "reported" : ""));
        }
        d.table(List.of("schedule", "CHAIR_s", "recall", "criteria holding", ""), rows);
        rows = new ArrayList<>();
        for (DemoMetrics.SeedRun s : m.seeds()) {
            DemoMetrics.VariantRun r = s.variants().get(Variant.EFUF);
            if (r == null) continue;
            for (var p : r.training().validation())
                rows.add(List.of(String.valueOf(s.seed()), String.valueOf(p.step()), pct(p.chairS()), pct(p.chairI()), pct(p.recall()),
                        p.step() == r.training().stoppedAtStep() ? "chosen" : ""));
        }
        d.table(List.of("seed", "step", "validation CHAIR_s", "validation CHAIR_i", "validation recall", ""), rows);
        d.image("plots/validation-" + Variant.EFUF + ".png", "Validation CHAIR and recall along EFUF's run (seed 1)");
    }

    private static void clausePositions(Document d, DemoMetrics m) {
        d.heading(2, "Where the hallucinations fall in the captions");
        d.paragraph("Clauses as EFUF splits them (the first clause is 1; the last index pools the clauses from it on). Per model, seed 1: of the"
                + " hallucinated mentions, the share in each clause index; and the share in their caption's last clause beside the share of all"
                + " mentions that sit in a last clause (what position alone would give); then how many hallucinated mentions are added past"
                + " the caption's evidence (the caption misses no present object that could stand for them) and how many are swapped for a"
                + " present object the caption misses.");
        List<String> header = new ArrayList<>(List.of("model", "hallucinated mentions"));
        for (int i = 0; i <= ClausePositions.MAX_INDEX; i++) header.add("clause " + (i + 1) + (i == ClausePositions.MAX_INDEX ? "+" : ""));
        header.addAll(List.of("in last clause", "all mentions in last clause", "added", "swapped"));
        List<List<String>> rows = new ArrayList<>();
        for (String model : Variant.models()) {
            List<ModelEvaluation> runs = m.evaluations(model);
            if (runs.isEmpty() || runs.getFirst().clauses() == null) continue;
            ClausePositions c = runs.getFirst().clauses();
            List<String> row = new ArrayList<>(List.of(Variant.label(model), String.valueOf(c.hallucinated())));
            for (int h : c.hallucinatedByClause()) row.add(c.hallucinated() == 0 ? "-" : pct((double) h / c.hallucinated()));
            row.add(pct(c.lastClauseShare()));
            row.add(pct(c.lastClauseMentionShare()));
            HallucinationKinds k = runs.getFirst().kinds();
            row.add(k == null ? "-" : String.valueOf(k.added()));
            row.add(k == null ? "-" : String.valueOf(k.swapped()));
            rows.add(row);
        }
        d.table(header, rows);
        d.image("plots/clause-positions.png", "Hallucinated share of mentions by clause index");
    }

    /** Objects the base captioner hallucinates most: up to this many rows. */
    static final int OBJECT_ROWS = 12;

    private static void objects(Document d, DemoMetrics m) {
        List<ObjectUnlearning> all = ObjectUnlearning.of(m, m.schedule());
        if (all.isEmpty()) return;
        d.heading(2, "Which objects EFUF unlearns");
        d.paragraph("The " + Math.min(OBJECT_ROWS, all.size()) + " objects the base captioner hallucinates most on the held-out images: its"
                + " hallucinated mentions of each and those EFUF leaves (" + Variant.label(m.schedule()) + ", mean over seeds), beside how the scorer"
                + " labelled the object's mentions in the formation captions (all seeds pooled): how many of them were hallucinated, the share"
                + " of those that scored below T1 (unlearned) and above T0 (learned as if present), and the scorer's AUC on the object's"
                + " present against its hallucinated mentions.");
        List<List<String>> rows = new ArrayList<>();
        for (ObjectUnlearning o : all.subList(0, Math.min(OBJECT_ROWS, all.size()))) {
            ObjectLabels l = o.labels();
            rows.add(List.of(o.object(), String.valueOf(o.base()), num(o.after(), 1), o.base() == 0 ? "-" : Analysis.relative(o.base(), o.after()),
                    l == null ? "-" : String.valueOf(l.hallucinated()), l == null ? "-" : pct(l.caughtShare()),
                    l == null || l.hallucinated() == 0 ? "-" : pct(l.learnedShare()), l == null ? "-" : num(l.auc(), 2)));
        }
        d.table(List.of("object", "base: hallucinated", "after EFUF: hallucinated", "change", "formation: hallucinated",
                "below T1", "above T0", "scorer AUC"), rows);
    }

    private static void acceptance(Document d, DemoMetrics m) {
        d.heading(2, "Acceptance");
        List<Acceptance.Criterion> reported = m.reportedAcceptance();
        d.paragraph(Acceptance.holding(reported) + " of " + reported.size() + " criteria hold for " + Variant.label(m.schedule())
                + " (computed from the seed means with the scorer's labels"
                + (m.settings().quick() ? "; a quick run checks the machinery, not the effect sizes" : "") + "; the base-model gates are above).");
        List<List<String>> rows = new ArrayList<>();
        for (Acceptance.Criterion a : reported)
            rows.add(List.of(a.criterion(), a.measure(), a.value(a.value()), a.spreadText(), perSeed(a),
                    a.seedsHolding() + "/" + a.perSeed().size(), a.bound(), a.holds() ? "holds" : "DOES NOT HOLD"));
        d.table(List.of("criterion", "measure", "value (seed mean)", "std over seeds", "per seed", "seeds holding", "bound", "result"), rows);
    }

    private static void analysis(Document d, DemoMetrics m) {
        d.heading(2, "Analysis");
        for (String p : Analysis.paragraphs(m)) d.paragraph(p);
    }

    private static String smallBelow(DemoMetrics m) {
        ModelEvaluation b = m.base();
        return b == null || !Double.isFinite(b.smallBelow()) ? ""
                : String.format(Locale.ROOT, ", %.0f visible pixels; %d small and %d large objects", b.smallBelow(), b.smallObjects(), b.largeObjects());
    }

    /** Distinct samples a run saw of a set, and the set's size; "-" for a set it does not train on. */
    private static String used(DemoMetrics.Training t, String set) {
        var u = t.draws().get(set);
        return u == null || u.drawn() == 0 ? "-" : u.distinct() + " (" + u.size() + ")";
    }

    private static String perSeed(Acceptance.Criterion c) {
        return String.join(", ", c.perSeed().stream().map(c::value).toList());
    }

    private static String counts(DemoMetrics.SetCounts c) {
        return c == null ? "n/a" : c.positive() + " / " + c.negative() + " / " + c.sentence();
    }

    private static Document.Caption caption(DemoMetrics.Caption c) {
        if (c == null) return null;
        return new Document.Caption(c.text(), c.hallucinated().stream().map(h -> new int[] {h.start(), h.end()}).toList());
    }

    private static List<String> header(String first, List<String> keys) {
        List<String> h = new ArrayList<>();
        h.add(first);
        for (String k : keys) h.add(Summary.metric(k).label());
        return h;
    }

    private static List<List<String>> modelRows(DemoMetrics m, List<String> models, List<String> keys) {
        List<List<String>> rows = new ArrayList<>();
        for (String model : models) {
            Summary.ModelSummary s = m.summary().get(model);
            if (s == null) continue;
            List<String> row = new ArrayList<>();
            row.add(Variant.label(model));
            for (String k : keys) {
                Summary.Metric mt = Summary.metric(k);
                Summary.Stat st = s.stat(k);
                if (!Double.isFinite(st.mean())) { row.add("n/a"); continue; }
                double f = mt.percent() ? 100 : 1;
                String text = String.format(Locale.ROOT, "%.2f", f * st.mean());
                if (s.runs() > 1 && Double.isFinite(st.std())) text += String.format(Locale.ROOT, " ± %.2f", f * st.std());
                row.add(text);
            }
            rows.add(row);
        }
        return rows;
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "n/a";
    }

    static String num(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.0e", v);
    }
}

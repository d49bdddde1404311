package org.efuf4j.world.demo;

import java.util.ArrayList;
import java.util.List;

import org.efuf4j.efuf.train.Ablation;
import org.efuf4j.efuf.train.Schedule;

/**
 * One unlearning run the demo makes per seed: an ablation of the paper's Table 3 or a control, under the demo's
 * unlearning settings or the paper's. A validated run also keeps the weights its validation schedule chooses, which
 * are evaluated as a model of their own ({@link #STOPPED}).
 *
 * @param paperSettings trained with the paper's settings (projector only, lr 1e-5, lambda1 0.3, lambda2 0.2) instead
 *                      of the demo's
 * @param validated     also measured on the validation images during the run, stopped where CHAIR_s is lowest within
 *                      the recall limit
 * @param oracleLabels  trained on the dataset whose mentions the world's ground truth labels instead of the scorer (the
 *                      same captions and thresholds): what the scorer's errors cost, or gave
 */
public record Variant(String key, String label, Ablation ablation, boolean paperSettings, boolean validated, boolean oracleLabels) {
    /** The base captioner's key, beside the variants' keys. */
    public static final String BASE = "base";
    public static final String ORACLE = "efuf_oracle";

    /** Suffix of the key of a validated run's stopped model: the validation schedule's key. */
    public static final String STOPPED = "_" + Schedule.VALIDATION.key;
    public static final String EFUF = Ablation.FULL.key, EFUF_STOPPED = EFUF + STOPPED;

    /**
     * The paper's Table 3 order (vanilla, no sentence loss, sentence loss only, EFUF), then the controls not already
     * among them, then EFUF with the paper's settings.
     */
    public static final List<Variant> ALL = all();

    private static List<Variant> all() {
        List<Variant> out = new ArrayList<>();
        for (Ablation a : Ablation.table3()) out.add(new Variant(a.key, a.label, a, false, a == Ablation.FULL, false));
        for (Ablation a : Ablation.controls()) if (!Ablation.table3().contains(a)) out.add(new Variant(a.key, a.label, a, false, false, false));
        out.add(new Variant("efuf_paper", "EFUF, paper's settings", Ablation.FULL, true, false, false));
        out.add(new Variant(ORACLE, "EFUF, oracle labels", Ablation.FULL, false, false, true));
        return List.copyOf(out);
    }

    /** The variants every seed runs (EFUF alone); the others run on the first seeds only ({@code DemoSettings.ablationSeeds}). */
    public boolean everySeed() { return key.equals(EFUF); }

    /** The report's name of a model key (the base, a variant, or a variant's stopped model). */
    public static String label(String model) {
        if (model.equals(Variant.BASE)) return "Base captioner";
        for (Variant v : ALL) {
            if (v.key.equals(model)) return v.validated ? v.label + " — " + Schedule.PAPER.label : v.label;
            if ((v.key + STOPPED).equals(model)) return v.label + " — " + Schedule.VALIDATION.label;
        }
        throw new IllegalArgumentException("unknown model '" + model + "'");
    }

    /** Every model key in report order: the base, then each variant with its stopped model after it. */
    public static List<String> models() {
        List<String> out = new ArrayList<>(List.of(Variant.BASE));
        for (Variant v : ALL) {
            out.add(v.key);
            if (v.validated) out.add(v.key + STOPPED);
        }
        return List.copyOf(out);
    }
}

package org.efuf4j.world.demo;

import java.util.List;

import org.efuf4j.efuf.train.Ablation;

/**
 * One unlearning run the demo makes per seed: an ablation of the paper's Table 3 or a control, under the demo's
 * unlearning settings or the paper's. A validated run also keeps the weights its validation schedule chooses, which
 * are evaluated as a model of their own ({@link #STOPPED}).
 *
 * @param paperSettings trained with the paper's settings (projector only, lr 1e-5, lambda1 0.3, lambda2 0.2) instead
 *                      of the demo's
 * @param validated     also measured on the validation images during the run, stopped where CHAIR_s is lowest within
 *                      the recall limit
 */
public record Variant(String key, String label, Ablation ablation, boolean paperSettings, boolean validated) {
    /** Suffix of the key of a validated run's stopped model. */
    public static final String STOPPED = "_stopped";
    public static final String EFUF = Ablation.FULL.key, EFUF_STOPPED = EFUF + STOPPED;

    /** The paper's Table 3 order (vanilla, no sentence loss, sentence loss only, EFUF), then the controls, then the paper's settings. */
    public static final List<Variant> ALL = List.of(
            of(Ablation.VANILLA),
            of(Ablation.NO_SENTENCE),
            of(Ablation.SENTENCE_ONLY),
            new Variant(EFUF, Ablation.FULL.label, Ablation.FULL, false, true),
            of(Ablation.NO_ASCENT),
            of(Ablation.ASCENT_ONLY),
            new Variant("efuf_paper", "EFUF, paper's settings", Ablation.FULL, true, false));

    private static Variant of(Ablation a) { return new Variant(a.key, a.label, a, false, false); }

    /** The variants every seed runs (EFUF alone); the others run on the first seeds only ({@code DemoSettings.ablationSeeds}). */
    public boolean everySeed() { return key.equals(EFUF); }

    /** The report's name of a model key (the base, a variant, or a variant's stopped model). */
    public static String label(String model) {
        if (model.equals(Demo.BASE)) return "Base captioner";
        for (Variant v : ALL) {
            if (v.key.equals(model)) return v.validated ? v.label + " (one pass over D-)" : v.label;
            if ((v.key + STOPPED).equals(model)) return v.label + " (validation-stopped)";
        }
        throw new IllegalArgumentException("unknown model '" + model + "'");
    }

    /** Every model key in report order: the base, then each variant with its stopped model after it. */
    public static List<String> models() {
        List<String> out = new java.util.ArrayList<>(List.of(Demo.BASE));
        for (Variant v : ALL) {
            out.add(v.key);
            if (v.validated) out.add(v.key + STOPPED);
        }
        return List.copyOf(out);
    }
}

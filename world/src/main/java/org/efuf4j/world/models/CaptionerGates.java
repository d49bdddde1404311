package org.efuf4j.world.models;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The quality a base captioner must have before unlearning means anything (issue 15): it perceives (recall, POPE F1 on
 * every split), writes whole, non-looping descriptions, and hallucinates as much as the paper's models do, neither
 * hardly at all nor on most captions. One home for the thresholds: the metrics, the pretrain manifest and the demo
 * read them from here.
 */
public final class CaptionerGates {
    public static final double MIN_RECALL = 0.60;
    public static final double MAX_REPEATING = 0.10;
    public static final double MAX_UNTERMINATED = 0.0;
    public static final double MIN_POPE_F1 = 0.70;
    public static final double MIN_CHAIR_S = 0.20;
    public static final double MAX_CHAIR_S = 0.60;

    private CaptionerGates() {}

    /** Each gate by name with whether the metrics pass it, in a fixed order. */
    public static Map<String, Boolean> check(WorldModels.Metrics m) {
        return check(m.recall(), m.repeatingShare(), m.unterminatedShare(), m.popeF1(), m.chairS());
    }

    /** The gates on figures measured anywhere (the metrics on eval images, a checkpoint on validation images). */
    public static Map<String, Boolean> check(double recall, double repeatingShare, double unterminatedShare, Map<String, Double> popeF1,
                                             double chairS) {
        Map<String, Boolean> gates = new LinkedHashMap<>();
        gates.put(String.format(Locale.ROOT, "recall >= %.2f", MIN_RECALL), recall >= MIN_RECALL);
        gates.put(String.format(Locale.ROOT, "repeated-object captions <= %.2f", MAX_REPEATING), repeatingShare <= MAX_REPEATING);
        gates.put("unterminated captions = 0", unterminatedShare <= MAX_UNTERMINATED);
        boolean pope = !popeF1.isEmpty();
        for (double f1 : popeF1.values()) pope &= f1 >= MIN_POPE_F1;
        gates.put(String.format(Locale.ROOT, "POPE F1 >= %.2f on every split", MIN_POPE_F1), pope);
        gates.put(String.format(Locale.ROOT, "CHAIR_s in [%.2f, %.2f]", MIN_CHAIR_S, MAX_CHAIR_S), chairS >= MIN_CHAIR_S && chairS <= MAX_CHAIR_S);
        return gates;
    }

    public static boolean allPass(WorldModels.Metrics m) {
        return !check(m).containsValue(false);
    }
}

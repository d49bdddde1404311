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
        Map<String, Boolean> gates = new LinkedHashMap<>();
        gates.put(String.format(Locale.ROOT, "recall >= %.2f", MIN_RECALL), m.recall() >= MIN_RECALL);
        gates.put(String.format(Locale.ROOT, "repeated-object captions <= %.2f", MAX_REPEATING), m.repeatingShare() <= MAX_REPEATING);
        gates.put("unterminated captions = 0", m.unterminatedShare() <= MAX_UNTERMINATED);
        boolean pope = !m.popeF1().isEmpty();
        for (double f1 : m.popeF1().values()) pope &= f1 >= MIN_POPE_F1;
        gates.put(String.format(Locale.ROOT, "POPE F1 >= %.2f on every split", MIN_POPE_F1), pope);
        gates.put(String.format(Locale.ROOT, "CHAIR_s in [%.2f, %.2f]", MIN_CHAIR_S, MAX_CHAIR_S),
                m.chairS() >= MIN_CHAIR_S && m.chairS() <= MAX_CHAIR_S);
        return gates;
    }

    public static boolean allPass(WorldModels.Metrics m) {
        return !check(m).containsValue(false);
    }
}

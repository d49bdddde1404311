package org.efuf4j.world.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.efuf4j.clip.ScorerQuality;
import org.efuf4j.efuf.dataset.LabelledScore;
import org.efuf4j.efuf.dataset.ThresholdSet;

/**
 * How the scorer labelled one object category's mentions in the formation captions, which the world can check: how
 * many of its hallucinated mentions scored below T1 (the clauses EFUF unlearns) and above T0 (clauses it learns),
 * and how well its scores tell its present mentions from its hallucinated ones. EFUF can only unlearn what reaches D-:
 * an object the scorer cannot see keeps its hallucinations.
 *
 * @param auc present vs hallucinated mentions of this object by score; NaN without both
 */
public record ObjectLabels(String object, int present, int hallucinated, int hallucinatedBelowT1, int hallucinatedAboveT0, double auc) {

    /** Share of the hallucinated mentions that scored below T1; NaN without hallucinated mentions. */
    public double caughtShare() {
        return hallucinated == 0 ? Double.NaN : (double) hallucinatedBelowT1 / hallucinated;
    }

    /** Share of the hallucinated mentions that scored above T0, learned as if present; NaN without hallucinated mentions. */
    public double learnedShare() {
        return hallucinated == 0 ? Double.NaN : (double) hallucinatedAboveT0 / hallucinated;
    }

    /** One object's labels over several formations (seeds): the counts added, the AUC the mean of the finite ones. */
    public static ObjectLabels pool(String object, List<ObjectLabels> runs) {
        int present = 0, hallucinated = 0, below = 0, above = 0;
        double auc = 0;
        int aucs = 0;
        for (ObjectLabels r : runs) {
            if (!r.object().equals(object)) throw new IllegalArgumentException("pooling " + r.object() + " into " + object);
            present += r.present();
            hallucinated += r.hallucinated();
            below += r.hallucinatedBelowT1();
            above += r.hallucinatedAboveT0();
            if (Double.isFinite(r.auc())) {
                auc += r.auc();
                aucs++;
            }
        }
        return new ObjectLabels(object, present, hallucinated, below, above, aucs == 0 ? Double.NaN : auc / aucs);
    }

    /** Per object, in order of first mention; {@code objects.get(i)} is the canonical category of {@code labelled.get(i)}. */
    public static List<ObjectLabels> of(List<String> objects, List<LabelledScore> labelled, ThresholdSet thresholds) {
        if (objects.size() != labelled.size())
            throw new IllegalArgumentException(objects.size() + " object names for " + labelled.size() + " labelled scores");
        Map<String, List<LabelledScore>> byObject = new LinkedHashMap<>();
        for (int i = 0; i < objects.size(); i++) byObject.computeIfAbsent(objects.get(i), k -> new ArrayList<>()).add(labelled.get(i));
        List<ObjectLabels> out = new ArrayList<>();
        byObject.forEach((object, scores) -> {
            int present = 0, hallucinated = 0, below = 0, above = 0;
            double[] s = new double[scores.size()];
            boolean[] p = new boolean[scores.size()];
            for (int i = 0; i < s.length; i++) {
                LabelledScore l = scores.get(i);
                s[i] = l.score();
                p[i] = l.present();
                if (l.present()) present++;
                else {
                    hallucinated++;
                    if (thresholds.negative(l.score())) below++;
                    if (thresholds.positive(l.score())) above++;
                }
            }
            out.add(new ObjectLabels(object, present, hallucinated, below, above, present == 0 || hallucinated == 0 ? Double.NaN : ScorerQuality.auc(s, p)));
        });
        return List.copyOf(out);
    }
}

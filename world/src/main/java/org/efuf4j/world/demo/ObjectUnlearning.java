package org.efuf4j.world.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.efuf4j.efuf.eval.ObjectHallucinations;

/**
 * One object's hallucinations before and after a model, beside how the scorer labelled that object in the formation
 * captions: the evidence for which hallucinations unlearning can reach.
 *
 * @param base   the base captioner's hallucinated mentions of the object on the held-out images
 * @param after  the model's, the mean over its seeds
 * @param labels the scorer's labels of the object's formation mentions, pooled over the seeds (null where no formation
 *               caption named it)
 */
public record ObjectUnlearning(String object, int base, double after, ObjectLabels labels) {

    /**
     * Every object the base captioner or the model hallucinates, most hallucinated by the base first; empty where the run
     * kept no per-object figures.
     */
    public static List<ObjectUnlearning> of(DemoMetrics m, String model) {
        List<ModelEvaluation> base = m.evaluations(Variant.BASE), after = m.evaluations(model);
        if (base.isEmpty() || base.getFirst().objects() == null || after.isEmpty() || after.stream().anyMatch(e -> e.objects() == null))
            return List.of();
        Map<String, List<ObjectLabels>> labels = new LinkedHashMap<>();
        for (DemoMetrics.SeedRun s : m.seeds()) {
            if (s.formation() == null || s.formation().objects() == null) continue;
            for (ObjectLabels l : s.formation().objects()) labels.computeIfAbsent(l.object(), k -> new ArrayList<>()).add(l);
        }
        ObjectHallucinations b = base.getFirst().objects();
        Set<String> objects = new TreeSet<>();
        for (var e : b.byObject().entrySet()) if (e.getValue().hallucinated() > 0) objects.add(e.getKey());
        for (ModelEvaluation e : after)
            for (var o : e.objects().byObject().entrySet()) if (o.getValue().hallucinated() > 0) objects.add(o.getKey());
        List<ObjectUnlearning> out = new ArrayList<>();
        for (String o : objects) {
            double mean = after.stream().mapToInt(e -> e.objects().hallucinated(o)).average().orElseThrow();
            List<ObjectLabels> l = labels.get(o);
            out.add(new ObjectUnlearning(o, b.hallucinated(o), mean, l == null ? null : ObjectLabels.pool(o, l)));
        }
        out.sort(Comparator.comparingInt(ObjectUnlearning::base).reversed().thenComparing(ObjectUnlearning::object));
        return List.copyOf(out);
    }

    /** The scorer's share of this object's hallucinated formation mentions that scored below T1; NaN without labels. */
    public double caughtShare() {
        return labels == null ? Double.NaN : labels.caughtShare();
    }

    /**
     * Objects whose caught share lies in {@code [from, to)}: their names (most hallucinated by the base first, as
     * {@code rows} are ordered) and their base and remaining hallucinations summed.
     */
    public record Group(List<String> objects, int base, double after) {
        public static Group of(List<ObjectUnlearning> rows, double from, double to) {
            List<String> objects = new ArrayList<>();
            int base = 0;
            double after = 0;
            for (ObjectUnlearning r : rows) {
                double c = r.caughtShare();
                if (!(c >= from && c < to)) continue;
                objects.add(r.object());
                base += r.base();
                after += r.after();
            }
            return new Group(List.copyOf(objects), base, after);
        }

        /** Share of the base hallucinations gone (negative where they grew); NaN without any. */
        public double fewer() {
            return base == 0 ? Double.NaN : 1 - after / base;
        }
    }
}

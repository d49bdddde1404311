package org.efuf4j.clip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * In-group hard negatives for {@link ClipTrainer}: for an image, the objects that appear together with one of its
 * objects somewhere in the data but are absent from it. They are what a captioner is tempted to hallucinate
 * (a "fork" beside a "knife"), so ranking the image's own caption above their prompts is the useful contrast.
 */
public final class HardNegatives {
    private HardNegatives() {}

    /** For each image, its co-occurring-but-absent objects in name order. */
    public static List<List<String>> coOccurringAbsent(List<? extends Collection<String>> objectsPerImage) {
        Map<String, Set<String>> partners = new HashMap<>();
        for (Collection<String> objects : objectsPerImage)
            for (String a : objects)
                for (String b : objects)
                    if (!a.equals(b)) partners.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
        List<List<String>> out = new ArrayList<>(objectsPerImage.size());
        for (Collection<String> objects : objectsPerImage) {
            Set<String> absent = new TreeSet<>();
            for (String o : objects) absent.addAll(partners.getOrDefault(o, Set.of()));
            absent.removeAll(Set.copyOf(objects));
            out.add(List.copyOf(absent));
        }
        return out;
    }

    /** The same, each object written as {@code options}' prompt (the text the scorer will compare). */
    public static List<List<String>> prompts(List<? extends Collection<String>> objectsPerImage, ScoringOptions options) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> absent : coOccurringAbsent(objectsPerImage)) out.add(absent.stream().map(options::prompt).toList());
        return out;
    }
}

package org.efuf4j.world;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.efuf4j.efuf.objects.ObjectCategory;
import org.efuf4j.efuf.objects.ObjectVocabulary;

/**
 * An object category of the world: its COCO identity, the words captions use for it, and how it
 * is drawn and placed.
 *
 * @param name       COCO category name (also the name in the project's vocabulary)
 * @param synonyms   other names captions use; each is a term of both the project's vocabulary and
 *                   CHAIR's synonym list, so CHAIR finds it either way
 * @param verbs      what an instance does in a caption ("sits", "is parked")
 * @param aspect     width / height of its box
 * @param centreTop  highest centre of its box, as a fraction of the image side (kites fly high)
 * @param centreLow  lowest centre of its box
 * @param countable  whether an image may hold two instances
 * @param look       its drawing
 */
public record WorldCategory(String name, List<String> synonyms, List<Verb> verbs, double aspect, double centreTop,
                            double centreLow, boolean countable, Look look) {
    public WorldCategory {
        synonyms = List.copyOf(synonyms);
        verbs = List.copyOf(verbs);
    }

    /** The category in the project's COCO vocabulary (its COCO id and terms). */
    public ObjectCategory cocoCategory() {
        return ObjectVocabulary.coco().byName(name).orElseThrow(
                () -> new IllegalStateException("world category '" + name + "' is not a COCO category"));
    }

    public int cocoId() {
        return cocoCategory().cocoId();
    }

    /**
     * Every form of this category a text may name it by: its name and synonyms, singular and plural, as terms ("tv")
     * and as captions write them ("TV", "TVs"), without repeats.
     */
    public List<String> forms() {
        Set<String> out = new LinkedHashSet<>();
        List<String> terms = new ArrayList<>();
        terms.add(name);
        terms.addAll(synonyms);
        for (String term : terms) {
            out.add(term);
            out.add(display(term));
            out.add(plural(term));
            out.add(display(plural(term)));
        }
        return List.copyOf(out);
    }

    /** A term as captions write it: "TV" and "TVs"; every other term as it is. */
    static String display(String term) {
        return term.equals("tv") ? "TV" : term.equals("tvs") ? "TVs" : term;
    }

    /** The plural of a term as captions write it ("knives", "benches", "sports balls"). */
    static String plural(String term) {
        if (term.equals("knife")) {
            return "knives";
        }
        if (term.endsWith("ch") || term.endsWith("sh") || term.endsWith("s") || term.endsWith("x")) {
            return term + "es";
        }
        if (term.endsWith("y") && term.length() > 1 && "aeiou".indexOf(term.charAt(term.length() - 2)) < 0) {
            return term.substring(0, term.length() - 1) + "ies";
        }
        return term + "s";
    }

    @Override
    public String toString() {
        return name;
    }
}

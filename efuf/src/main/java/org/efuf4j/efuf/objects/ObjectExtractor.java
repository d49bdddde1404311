package org.efuf4j.efuf.objects;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the vocabulary objects a caption mentions, following CHAIR's procedure: lowercase, split
 * into words, singularise each word, merge multi-word terms (longest first, left to right), then
 * map each remaining word to its category. On top of the vocabulary's own multi-word terms it
 * applies CHAIR's hand-made rules for COCO captions:
 * <ul>
 *   <li>"baby X" / "adult X" for an animal X counts as X only, not as a person ("baby elephant");
 *   <li>"passenger X" for a vehicle X counts as X only, not as a person ("passenger jet");
 *   <li>"toilet seat" counts as toilet, and once a caption mentions a toilet, any "seat" in it is
 *       taken to be the toilet's and not a chair;
 *   <li>"home plate" and "train track(s)" are consumed as units that are no object, so they fire
 *       neither "plate"-like terms nor "train".
 * </ul>
 * Multi-word terms are tried both fully singularised and with only the last word singularised, so
 * "sports balls" meets "sports ball" although "sports" alone would singularise to "sport".
 * A word that is not in the vocabulary after singularisation is also tried as written, so
 * lists that spell plural-only categories ("scissors", "skis") work whatever the singulariser does.
 */
public final class ObjectExtractor {
    private static final Set<String> ANIMAL_CATEGORIES = Set.of(
            "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe");
    /** Animal words outside the vocabulary that still absorb a "baby"/"adult" qualifier. */
    private static final Set<String> GENERIC_ANIMAL_WORDS = Set.of("animal", "cub");
    private static final Set<String> VEHICLE_CATEGORIES = Set.of(
            "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat");
    private static final Set<String> AGE_QUALIFIERS = Set.of("baby", "adult");
    private static final Set<String> NON_OBJECT_UNITS = Set.of("home plate", "train track");
    private static final String TOILET = "toilet";
    private static final String SEAT = "seat";

    private final ObjectVocabulary vocabulary;

    public ObjectExtractor(ObjectVocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    public ObjectVocabulary vocabulary() {
        return vocabulary;
    }

    /** The object mentions in reading order. */
    public List<Mention> extract(String caption) {
        List<Token> tokens = WordTokenizer.tokenize(caption);
        int n = tokens.size();
        String[] raw = new String[n];
        String[] singular = new String[n];
        for (int i = 0; i < n; i++) {
            raw[i] = tokens.get(i).text();
            singular[i] = Singularizer.singularize(raw[i]);
        }
        List<Mention> mentions = new ArrayList<>();
        boolean toiletMentioned = false;
        int i = 0;
        while (i < n) {
            Unit unit = unitAt(raw, singular, i);
            if (unit.category != null) {
                int start = tokens.get(i).start();
                int end = tokens.get(i + unit.length - 1).end();
                mentions.add(new Mention(unit.category, unit.term, caption.substring(start, end), start, end));
                toiletMentioned |= unit.category.name().equals(TOILET);
            }
            i += unit.length;
        }
        if (toiletMentioned) {
            // "the seat of the toilet" would otherwise fire for chair
            mentions.removeIf(m -> m.term().equals(SEAT) && !m.category().name().equals(TOILET));
        }
        return mentions;
    }

    /** What the words from {@code i} on form: an object (category set), a non-object unit, or one plain word. */
    private record Unit(int length, String term, ObjectCategory category) {}

    private Unit unitAt(String[] raw, String[] singular, int i) {
        int n = raw.length;
        if (i + 1 < n) {
            Unit rule = qualifiedPair(singular[i], singular[i + 1]);
            if (rule != null) {
                return rule;
            }
        }
        int longest = Math.min(vocabulary.longestTermWords(), n - i);
        for (int len = longest; len >= 2; len--) {
            String allSingular = join(singular, i, len, null);
            if (NON_OBJECT_UNITS.contains(allSingular)) {
                return new Unit(len, allSingular, null);
            }
            ObjectCategory c = vocabulary.lookupOrNull(allSingular);
            if (c != null) {
                return new Unit(len, allSingular, c);
            }
            String lastSingular = join(raw, i, len, singular[i + len - 1]);
            c = vocabulary.lookupOrNull(lastSingular);
            if (c != null) {
                return new Unit(len, lastSingular, c);
            }
        }
        if (i + 1 < n && NON_OBJECT_UNITS.contains(singular[i] + " " + singular[i + 1])) {
            return new Unit(2, singular[i] + " " + singular[i + 1], null);
        }
        ObjectCategory c = vocabulary.lookupOrNull(singular[i]);
        if (c != null) {
            return new Unit(1, singular[i], c);
        }
        c = vocabulary.lookupOrNull(raw[i]);
        return new Unit(1, c != null ? raw[i] : singular[i], c);
    }

    /** CHAIR's qualifier rules: the pair counts as its second word (or as nothing if that is no object). */
    private Unit qualifiedPair(String first, String second) {
        if (first.equals("toilet") && second.equals(SEAT)) {
            return new Unit(2, TOILET, vocabulary.lookupOrNull(TOILET));
        }
        ObjectCategory head = vocabulary.lookupOrNull(second);
        if (AGE_QUALIFIERS.contains(first)) {
            if (head != null && ANIMAL_CATEGORIES.contains(head.name())) {
                return new Unit(2, second, head);
            }
            if (GENERIC_ANIMAL_WORDS.contains(second)) {
                return new Unit(2, second, null);
            }
        }
        if (first.equals("passenger") && head != null && VEHICLE_CATEGORIES.contains(head.name())) {
            return new Unit(2, second, head);
        }
        return null;
    }

    private static String join(String[] words, int from, int len, String lastReplacement) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < len; k++) {
            if (k > 0) {
                sb.append(' ');
            }
            sb.append(k == len - 1 && lastReplacement != null ? lastReplacement : words[from + k]);
        }
        return sb.toString();
    }
}

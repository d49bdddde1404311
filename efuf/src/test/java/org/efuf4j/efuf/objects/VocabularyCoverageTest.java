package org.efuf4j.efuf.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every term of both vocabularies must be found in a caption, alone and in its plural form: the
 * singulariser's rules have to reach every word the vocabularies contain.
 */
class VocabularyCoverageTest {
    /** Plurals English forms irregularly, written out by hand. */
    private static final Map<String, String> IRREGULAR_PLURALS = Map.ofEntries(
            Map.entry("person", "people"), Map.entry("child", "children"), Map.entry("mouse", "mice"),
            Map.entry("knife", "knives"), Map.entry("goose", "geese"), Map.entry("ox", "oxen"),
            Map.entry("calf", "calves"), Map.entry("thief", "thieves"), Map.entry("pocketknife", "pocketknives"),
            Map.entry("skis", "skis"), Map.entry("scissors", "scissors"), Map.entry("people", "people"),
            Map.entry("children", "children"), Map.entry("oxen", "oxen"));
    /** Nouns with no distinct plural. */
    private static final Set<String> INVARIANT = Set.of("sheep", "cattle", "bison", "aircraft", "watercraft",
            "fowl", "broccoli", "broccolini", "luggage", "baggage", "crowd", "shears");

    static String plural(String word) {
        String irregular = IRREGULAR_PLURALS.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (INVARIANT.contains(word)) {
            return word;
        }
        if (word.endsWith("man")) {
            return word.substring(0, word.length() - 3) + "men";
        }
        if (word.matches(".*(s|x|z|ch|sh)")) {
            return word + "es";
        }
        if (word.matches(".*[^aeiou]y")) {
            return word.substring(0, word.length() - 1) + "ies";
        }
        return word + "s";
    }

    @Test
    void everyTermIsFoundSingularAndPlural() {
        List<String> failures = new ArrayList<>();
        for (ObjectVocabulary vocabulary : List.of(ObjectVocabulary.coco(),
                ObjectVocabulary.fromChairSynonyms(SharedFiles.chairSynonyms()))) {
            ObjectExtractor extractor = new ObjectExtractor(vocabulary);
            for (ObjectCategory category : vocabulary.categories()) {
                for (String term : category.terms()) {
                    String[] words = term.split(" ");
                    String last = words[words.length - 1];
                    String pluralTerm = term.substring(0, term.length() - last.length()) + plural(last);
                    for (String caption : List.of("I see a " + term + " here.", "I see two " + pluralTerm + " here.")) {
                        List<Mention> found = extractor.extract(caption);
                        if (found.size() != 1 || found.getFirst().category() != category) {
                            failures.add(vocabulary.source() + ": '" + caption + "' -> "
                                    + found.stream().map(Mention::object).toList() + ", expected " + category);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}

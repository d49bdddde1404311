package org.efuf4j.world.models;

import java.util.List;
import java.util.Random;

import org.efuf4j.world.Catalogue;
import org.efuf4j.world.WorldCategory;

/** Short texts naming one object, as the scorer sees them in training and when it scores a mention. */
final class ObjectPhrases {
    private ObjectPhrases() {}

    /** The phrase the scorer is asked about for a mentioned term ("a dog" for "dog", "a puppy" for "puppy"). */
    static String forTerm(String term) { return "a " + term; }

    /** A training phrase for a category: its name or, a third of the time, one of its synonyms. */
    static String phrase(String category, Random random) {
        WorldCategory c = Catalogue.category(category);
        List<String> synonyms = c.synonyms();
        String term = !synonyms.isEmpty() && random.nextInt(3) == 0 ? synonyms.get(random.nextInt(synonyms.size())) : c.name();
        return forTerm(term);
    }
}

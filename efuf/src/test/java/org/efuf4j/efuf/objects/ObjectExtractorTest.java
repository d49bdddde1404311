package org.efuf4j.efuf.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectExtractorTest {
    private static final ObjectExtractor OWN = new ObjectExtractor(ObjectVocabulary.coco());
    private static final ObjectExtractor CHAIR =
            new ObjectExtractor(ObjectVocabulary.fromChairSynonyms(SharedFiles.chairSynonyms()));

    private static String objects(ObjectExtractor extractor, String caption) {
        return String.join(" | ", extractor.extract(caption).stream().map(Mention::object).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            // plurals and irregular plurals
            "Two knives and three forks lie on the table.; knife | fork | dining table",
            "Mice and a keyboard sit beside the laptops.; mouse | keyboard | laptop",
            "Some people are skiing with their skis.; person | skis",
            "Wine glasses and buses, benches and sheep.; wine glass | bus | bench | sheep",
            // two-word terms merged before single words
            "Traffic lights above a hot dog stand.; traffic light | hot dog",
            "A teddy bear next to a cell phone and a stop sign.; teddy bear | cell phone | stop sign",
            "A fire hydrant, a tennis racket and a parking meter.; fire hydrant | tennis racket | parking meter",
            // CHAIR's qualifier rules: the qualifier is no person
            "A baby elephant walks with an adult elephant.; elephant | elephant",
            "The baby animal sleeps.; ''",
            "A baby sits in a high chair.; person | chair",
            "A passenger jet flies over a passenger train.; airplane | train",
            "A passenger waves.; person",
            // toilet seats are no chairs
            "The toilet seat is up.; toilet",
            "A seat is next to the toilet.; toilet",
            "A seat is next to the sink.; chair | sink",
            // units that are no object
            "The player stands at home plate.; person",
            "Train tracks run through the field.; ''",
            "A train on the train tracks.; train",
            // hyphenated compounds stay one word
            "A dog-shaped kite.; kite",
            // function words and scene words fire nothing, though the singulariser cuts some ("has" -> "ha")
            "The image shows a sunny day with a clear sky, and it has a calm atmosphere as if this is a quiet morning.; ''"})
    void findsCategoriesWithChairsRulesInBothVocabularies(String caption, String expected) {
        String want = expected == null ? "" : expected;
        assertEquals(want, objects(CHAIR, caption), "CHAIR list");
        assertEquals(want, objects(OWN, caption), "own vocabulary");
    }

    @Test
    void mentionsKeepSurfaceFormTermAndOffsets() {
        String caption = "Two Baby Elephants, three Hot Dogs and a dog.";
        List<Mention> mentions = OWN.extract(caption);
        assertEquals(3, mentions.size());
        Mention elephants = mentions.get(0);
        assertEquals("elephant", elephants.object());
        assertEquals("elephant", elephants.term());
        assertEquals("Baby Elephants", elephants.surface());
        assertEquals(caption.indexOf("Baby"), elephants.start());
        assertEquals(caption.indexOf(","), elephants.end());
        Mention hotDogs = mentions.get(1);
        assertEquals("hot dog", hotDogs.term());
        assertEquals("Hot Dogs", caption.substring(hotDogs.start(), hotDogs.end()));
        assertEquals("dog", mentions.get(2).object());
        assertEquals("dog", mentions.get(2).surface());
    }

    @Test
    void multiWordTermsMatchWithOnlyTheLastWordSingularised() {
        // "sports" alone singularises to "sport"; the term is "sports ball"
        List<Mention> mentions = CHAIR.extract("Two sports balls on the grass.");
        assertEquals(1, mentions.size());
        assertEquals("sports ball", mentions.getFirst().term());
        assertEquals("sports balls", mentions.getFirst().surface());
    }

    @Test
    void ownVocabularyCoversWordsTheChairListLacks() {
        assertEquals("person | surfboard", objects(OWN, "A surfer carries a surfboard."));
        assertEquals("surfboard", objects(CHAIR, "A surfer carries a surfboard."));
    }
}

package org.efuf4j.efuf.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.efuf4j.efuf.dataset.SubsentenceSplitter.Clause;
import org.efuf4j.efuf.dataset.SubsentenceSplitter.Subsentence;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.junit.jupiter.api.Test;

class SubsentenceSplitterTest {
    private static final String CAPTION = "There is a cat, a dog sits on the left... A table!";

    @Test
    void splitsAtPunctuationRuns() {
        List<String> texts = SubsentenceSplitter.clauses(CAPTION).stream().map(Clause::text).toList();
        assertEquals(List.of("There is a cat", " a dog sits on the left", " A table", ""), texts);
    }

    @Test
    void targetIsTheMentionsClauseAndContextEverythingBefore() {
        List<Mention> mentions = new ObjectExtractor(ObjectVocabulary.coco()).extract(CAPTION);
        assertEquals(List.of("cat", "dog", "dining table"), mentions.stream().map(Mention::object).toList());

        Subsentence cat = SubsentenceSplitter.forMention(CAPTION, mentions.get(0));
        assertEquals("", cat.context());
        assertEquals("There is a cat", cat.target());

        Subsentence dog = SubsentenceSplitter.forMention(CAPTION, mentions.get(1));
        assertEquals("There is a cat,", dog.context());
        assertEquals(" a dog sits on the left", dog.target()); // the later clauses are dropped
        assertEquals(CAPTION.substring(0, dog.targetEnd()), dog.context() + dog.target());

        Subsentence table = SubsentenceSplitter.forMention(CAPTION, mentions.get(2));
        assertEquals("There is a cat, a dog sits on the left...", table.context());
        assertEquals(" A table", table.target());
    }

    @Test
    void separatorInTargetMovesAClauseContinuingSeparatorButNotASentenceEnd() {
        String caption = "There is a cat, a dog sits on the left;: a bird... A table!";
        List<Mention> mentions = new ObjectExtractor(ObjectVocabulary.coco()).extract(caption);
        assertEquals(List.of("cat", "dog", "bird", "dining table"), mentions.stream().map(Mention::object).toList());
        Subsentence cat = SubsentenceSplitter.forMention(caption, mentions.get(0), true);
        assertEquals(List.of("", "There is a cat"), List.of(cat.context(), cat.target()));
        Subsentence dog = SubsentenceSplitter.forMention(caption, mentions.get(1), true);
        assertEquals(List.of("There is a cat", ", a dog sits on the left"), List.of(dog.context(), dog.target()));
        assertEquals(14, dog.targetStart());
        Subsentence bird = SubsentenceSplitter.forMention(caption, mentions.get(2), true);
        assertEquals(List.of("There is a cat, a dog sits on the left", ";: a bird"), List.of(bird.context(), bird.target()));
        Subsentence table = SubsentenceSplitter.forMention(caption, mentions.get(3), true);
        assertEquals(SubsentenceSplitter.forMention(caption, mentions.get(3)), table, "a sentence end stays in the context");
        for (Subsentence s : List.of(cat, dog, bird, table)) {
            assertEquals(caption.substring(0, s.targetEnd()), s.context() + s.target());
            assertEquals(s.context().length(), s.targetStart());
        }
        assertEquals(SubsentenceSplitter.forMention(caption, mentions.get(1)), SubsentenceSplitter.forMention(caption, mentions.get(1), false));
    }

    @Test
    void positionOnPunctuationIsAnError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SubsentenceSplitter.at(CAPTION, CAPTION.indexOf(',')));
        assertTrue(e.getMessage().contains("clause boundary (',')"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SubsentenceSplitter.at(CAPTION, CAPTION.length()));
    }
}

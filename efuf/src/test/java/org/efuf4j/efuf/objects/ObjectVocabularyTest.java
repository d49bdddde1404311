package org.efuf4j.efuf.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectVocabularyTest {

    @Test
    void ownVocabularyHasTheEightyCocoCategoriesWithTheirIds() throws Exception {
        ObjectVocabulary coco = ObjectVocabulary.coco();
        assertEquals(80, coco.size());
        Set<Integer> ids = new HashSet<>();
        for (ObjectCategory c : coco.categories()) {
            assertTrue(c.cocoId() >= 1 && c.cocoId() <= 90, c + " id " + c.cocoId());
            assertTrue(ids.add(c.cocoId()), "duplicate COCO id " + c.cocoId());
        }
        // COCO's 80 public names, in COCO order, are the first entries of CHAIR's list
        List<String> chairNames = Files.readAllLines(SharedFiles.chairSynonyms()).stream()
                .map(line -> line.split(",")[0].strip()).toList();
        assertEquals(chairNames, coco.categories().stream().map(ObjectCategory::name).toList());
        assertEquals(13, coco.byName("stop sign").orElseThrow().cocoId());
        assertEquals(90, coco.byName("toothbrush").orElseThrow().cocoId());
        assertEquals("dining table", coco.lookup("table").orElseThrow().name());
        assertEquals("cell phone", coco.lookup("smartphone").orElseThrow().name());
    }

    @Test
    void chairListLoadsWithCanonicalFirstEntryAndCleanedTerms() {
        ObjectVocabulary chair = ObjectVocabulary.fromChairSynonyms(SharedFiles.chairSynonyms());
        assertEquals(80, chair.size());
        assertEquals("person", chair.categories().getFirst().name());
        assertEquals("toothbrush", chair.categories().getLast().name());
        assertEquals("motorcycle", chair.lookup("motor bike").orElseThrow().name()); // listed as " motor bike"
        assertEquals("cell phone", chair.lookup("iphone").orElseThrow().name()); // listed as "iPhone"
        assertEquals("cake", chair.lookup("cheesecake").orElseThrow().name());
        assertEquals("oven", chair.lookup("stove top oven").orElseThrow().name());
        assertEquals("person", chair.resolve("People", "test").name());
        assertEquals("knife", chair.resolve("knives", "test").name());
    }

    @Test
    void badListsAreRejectedWithTheirLine() {
        var conflict = assertThrows(IllegalArgumentException.class, () -> ObjectVocabulary.parseChairSynonyms("x.txt",
                List.of("dog, puppy", "cat, puppy")));
        assertTrue(conflict.getMessage().contains("'puppy' names two categories"), conflict.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> ObjectVocabulary.parseChairSynonyms("x.txt",
                List.of("dog", " , kitten")));
        assertTrue(empty.getMessage().contains("x.txt line 2"), empty.getMessage());
        var own = assertThrows(IllegalArgumentException.class, () -> ObjectVocabulary.parseOwnFormat("v.txt",
                List.of("# comment", "x | dog | puppy")));
        assertTrue(own.getMessage().contains("v.txt line 2") && own.getMessage().contains("'x'"), own.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> ObjectVocabulary.coco().resolve("spaceship", "gt.jsonl record 3"));
        assertTrue(unknown.getMessage().startsWith("gt.jsonl record 3: object 'spaceship'"), unknown.getMessage());
    }
}

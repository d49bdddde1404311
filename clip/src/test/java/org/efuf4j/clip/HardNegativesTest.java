package org.efuf4j.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class HardNegativesTest {

    @Test
    void negativesCoOccurElsewhereButAreAbsentHere() {
        List<List<String>> images = List.of(
                List.of("fork", "knife", "plate"),
                List.of("fork", "cup"),
                List.of("dog"),
                List.of("knife", "dog"));
        List<List<String>> got = HardNegatives.coOccurringAbsent(images);
        // fork meets cup (image 1); knife meets dog (image 3).
        assertEquals(List.of("cup", "dog"), got.get(0));
        // fork meets knife and plate (image 0).
        assertEquals(List.of("knife", "plate"), got.get(1));
        // dog meets knife (image 3).
        assertEquals(List.of("knife"), got.get(2));
        // knife meets fork and plate; dog meets nothing else.
        assertEquals(List.of("fork", "plate"), got.get(3));
        assertEquals(List.of("A photo containing knife."), HardNegatives.prompts(images, ScoringOptions.paper()).get(2));
    }
}

package org.efuf4j.efuf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.junit.jupiter.api.Test;

class CaptionSideEffectsTest {

    @Test
    void countsObjectsRepetitionsAndUnterminatedCaptions() {
        List<String> captions = List.of(
                "A dog chases a dog.",               // 2 mentions, repeats "dog", terminated
                "A man and a woman sit on a bench",  // 3 mentions (person, person, bench), no repeat of a term, unterminated
                "Nothing to see here!",              // 0 mentions, terminated
                "A cat on a mat (a \"cat\".)\"");    // 2 mentions, repeats "cat", terminated after closing marks
        CaptionSideEffects s = CaptionSideEffects.of(captions, new ObjectExtractor(ObjectVocabulary.coco()));
        assertEquals(4, s.captions());
        assertEquals(7.0 / 4, s.objectsPerCaption(), 1e-12);
        assertEquals(2.0 / 4, s.repeatingShare(), 1e-12);
        assertEquals(1.0 / 4, s.unterminatedShare(), 1e-12);
        assertTrue(CaptionSideEffects.isTerminated("Done?  "));
        assertFalse(CaptionSideEffects.isTerminated("The image shows a table with a"));
    }
}

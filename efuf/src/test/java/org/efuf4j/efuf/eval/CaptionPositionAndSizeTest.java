package org.efuf4j.efuf.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.junit.jupiter.api.Test;

/** The clause-position analysis and the size-split recall on hand-built captions with known ground truth. */
class CaptionPositionAndSizeTest {
    private static final ObjectExtractor EXTRACTOR = new ObjectExtractor(ObjectVocabulary.coco());

    private static GroundTruth truth() {
        return GroundTruth.builder()
                .add("1", "dog", 0.30).add("1", "cup", 0.01).add("1", "dog", 0.10) // the larger dog counts
                .add("2", "car", 0.20).add("2", "book", 0.02)
                .image("3")
                .build();
    }

    private static List<CaptionChair> captions(String... idAndText) {
        Chair chair = new Chair(EXTRACTOR, truth());
        List<GeneratedCaption> g = new java.util.ArrayList<>();
        for (int i = 0; i < idAndText.length; i += 2) g.add(new GeneratedCaption(idAndText[i], idAndText[i + 1]));
        return chair.evaluate(g).captions();
    }

    @Test
    void hallucinationsAreCountedInTheClauseTheyFallIn() {
        // image 1: dog, cup present; "a cat" (clause 2, last) and "a bus" (clause 1) are not
        // image 2: car, book present; "a bottle" in clause 0 of 2, the last is "and a book"
        List<CaptionChair> c = captions(
                "1", "A dog sits on a rug, a bus, a cat.",
                "2", "A car with a bottle, and a book.",
                "3", "An empty room.");
        ClausePositions p = ClausePositions.of(c);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0, 0, 0}, p.hallucinatedByClause(), "bottle | bus | cat");
        assertArrayEquals(new int[] {3, 2, 1, 0, 0, 0, 0, 0}, p.mentionsByClause(), "dog, car, bottle | bus, book | cat");
        assertEquals(1, p.hallucinatedInLast(), "only the cat is in its caption's last clause");
        assertEquals(2, p.mentionsInLast(), "cat and book end their captions");
        assertEquals(1.0 / 3, p.lastClauseShare(), 1e-12);
        assertEquals(2.0 / 6, p.lastClauseMentionShare(), 1e-12);
        assertEquals(0.5, p.hallucinationRateByClause()[1], 1e-12);
        assertTrue(Double.isNaN(p.hallucinationRateByClause()[4]));
    }

    @Test
    void aHallucinationIsSwappedWhereItsCaptionMissesAPresentObjectAndAddedBeyondThat() {
        // image 1 (dog, cup): bus and cat hallucinated, the cup missed: one swapped, one added
        // image 2 (car, book): the bottle hallucinated, nothing missed: added; image 3: nothing to count
        HallucinationKinds k = HallucinationKinds.of(captions(
                "1", "A dog sits on a rug, a bus, a cat.",
                "2", "A car with a bottle, and a book.",
                "3", "An empty room."));
        assertEquals(new HallucinationKinds(2, 1), k);
        assertEquals(2.0 / 3, k.addedShare(), 1e-12);
        // image 2 with both objects missed and one hallucinated: swapped, whatever else it misses
        assertEquals(new HallucinationKinds(0, 1), HallucinationKinds.of(captions("2", "A bottle.")));
        // a hallucinated object named twice counts twice, as CHAIR_i counts it
        assertEquals(new HallucinationKinds(1, 1), HallucinationKinds.of(captions("1", "A dog, a bus, a bus.")));
        assertTrue(Double.isNaN(HallucinationKinds.of(captions("1", "a dog, a cup.")).addedShare()), "no hallucinations, no share");
    }

    @Test
    void hallucinationsAreCountedByObjectAsCaptionsNameThem() {
        // image 1 (dog, cup): dog present, bus twice absent; image 2 (car, book): a bus absent, "puppy" is a dog, absent
        ObjectHallucinations o = ObjectHallucinations.of(captions(
                "1", "A dog, a bus, a bus.",
                "2", "A car, a bus and a puppy.",
                "3", "An empty room."));
        assertEquals(List.of("bus", "car", "dog"), List.copyOf(o.byObject().keySet()), "canonical names, in name order");
        assertEquals(new ObjectHallucinations.Count(3, 3), o.byObject().get("bus"));
        assertEquals(new ObjectHallucinations.Count(2, 1), o.byObject().get("dog"), "present in image 1, the puppy absent in image 2");
        assertEquals(new ObjectHallucinations.Count(1, 0), o.byObject().get("car"));
        assertEquals(0, o.hallucinated("cup"), "never named, never hallucinated");
        assertEquals(4, o.byObject().values().stream().mapToInt(ObjectHallucinations.Count::hallucinated).sum(),
                "the totals are CHAIR's hallucinated mentions");
        assertThrows(IllegalArgumentException.class, () -> new ObjectHallucinations.Count(1, 2));
    }

    @Test
    void aHallucinationEndingADescriptionIsInTheLastClauseEvenBeforeTrailingPunctuation() {
        ClausePositions p = ClausePositions.of(captions("1", "a dog, a cup, a cat..."));
        assertEquals(1, p.hallucinatedInLast());
        assertEquals(1.0, p.lastClauseShare(), 0);
        assertTrue(Double.isNaN(ClausePositions.of(captions("1", "a dog.")).lastClauseShare()), "no hallucinations, no share");
    }

    @Test
    void deepClausesAreCountedAtTheLastIndex() {
        ClausePositions p = ClausePositions.of(captions("3", "a, b, c, d, e, f, g, h, i, a cat."));
        assertEquals(1, p.hallucinatedByClause()[ClausePositions.MAX_INDEX]);
    }

    @Test
    void recallOfSmallAndLargeObjectsApart() {
        // sizes: dog 0.30, cup 0.01, car 0.20, book 0.02 -> median 0.11; small = cup, book; large = dog, car
        GroundTruth t = truth();
        assertEquals(0.11, SizeRecall.medianSize(t), 1e-12);
        SizeRecall r = SizeRecall.of(captions("1", "a dog and a cup.", "2", "a car.", "3", "nothing."), t, SizeRecall.medianSize(t));
        assertEquals(2, r.smallObjects());
        assertEquals(2, r.largeObjects());
        assertEquals(0.5, r.smallRecall(), 1e-12, "the cup named, the book not");
        assertEquals(1.0, r.largeRecall(), 1e-12);
        SizeRecall strict = SizeRecall.of(captions("1", "a dog and a cup.", "2", "a car."), t, 0.015);
        assertEquals(1, strict.smallObjects(), "only the cup is below 0.015");
        assertEquals(1.0, strict.smallRecall(), 1e-12);
    }

    @Test
    void objectsWithoutSizeAreLeftOutAndBadSizesRefused() {
        GroundTruth t = GroundTruth.builder().add("1", "dog").add("1", "cup", 0.01).build();
        assertTrue(t.hasSizes());
        SizeRecall r = SizeRecall.of(new Chair(EXTRACTOR, t).evaluate(List.of(new GeneratedCaption("1", "a dog."))).captions(), t, 0.05);
        assertEquals(1, r.smallObjects());
        assertEquals(0, r.largeObjects());
        assertTrue(Double.isNaN(r.largeRecall()));
        assertEquals(0.0, r.smallRecall(), 0);
        assertTrue(Double.isNaN(SizeRecall.medianSize(GroundTruth.builder().add("1", "dog").build())));
        var e = assertThrows(IllegalArgumentException.class, () -> GroundTruth.builder().add("7", "cup", -1));
        assertTrue(e.getMessage().contains("image 7, category cup") && e.getMessage().contains("-1"), e.getMessage());
    }
}

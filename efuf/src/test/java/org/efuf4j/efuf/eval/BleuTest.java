package org.efuf4j.efuf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.efuf4j.efuf.eval.Bleu.Smoothing;
import org.junit.jupiter.api.Test;

/** Expected values are worked out by hand in the comments. */
class BleuTest {

    @Test
    void singlePairMatchesHandComputedPrecisions() {
        // hyp: the cat sat on the mat / ref: the cat is on the mat (6 words each, BP = 1)
        // 1-grams: the x2, cat, on, mat match; sat does not -> 5/6
        // 2-grams: the cat, on the, the mat of 5 -> 3/5; 3-grams: on the mat of 4 -> 1/4; 4-grams: 0/3
        List<String> hyp = List.of("The cat sat on the mat.");
        List<List<String>> refs = List.of(List.of("the cat is on the mat"));
        Bleu.Score b1 = Bleu.corpus(hyp, refs, 1);
        assertEquals(5.0 / 6, b1.bleu(), 1e-12);
        Bleu.Score b2 = Bleu.corpus(hyp, refs, 2);
        assertEquals(Math.sqrt(5.0 / 6 * 3.0 / 5), b2.bleu(), 1e-12); // sqrt(0.5) = 0.7071
        Bleu.Score b4 = Bleu.corpus(hyp, refs, 4);
        assertEquals(0, b4.bleu()); // no 4-gram matches, no smoothing
        assertEquals(1.0 / 4, b4.precisions()[2], 1e-12);
        // EPSILON smoothing: the zero 4-gram count becomes 0.1 -> (5/6 * 3/5 * 1/4 * 0.1/3)^(1/4) = 0.25407
        Bleu.Score smoothed = Bleu.corpus(hyp, refs, 4, Smoothing.EPSILON);
        assertEquals(Math.pow(5.0 / 6 * 3.0 / 5 * 1.0 / 4 * 0.1 / 3, 0.25), smoothed.bleu(), 1e-12);
        assertEquals(0.254066, smoothed.bleu(), 1e-6);
    }

    @Test
    void brevityPenaltyUsesClosestReferenceLength() {
        // hyp 2 words; refs of 4 and 7 words: r = 4, BP = exp(1 - 4/2) = e^-1; p1 = p2 = 1
        Bleu.Score b = Bleu.corpus(List.of("the cat"),
                List.of(List.of("the cat is here", "a cat that is sitting right here")), 2);
        assertEquals(4, b.referenceLength());
        assertEquals(Math.exp(-1), b.brevityPenalty(), 1e-12);
        assertEquals(Math.exp(-1), b.bleu(), 1e-12);
        // tie between lengths 3 and 5 for a 4-word hypothesis: the shorter wins
        Bleu.Score tie = Bleu.corpus(List.of("a b c d"), List.of(List.of("a b c d e", "a b c")), 1);
        assertEquals(3, tie.referenceLength());
        assertEquals(1, tie.brevityPenalty());
    }

    @Test
    void countsAreClippedByTheMostGenerousReference() {
        // hyp: the the the the (4); ref1 has "the" twice, ref2 once -> clip 2 -> p1 = 2/4
        Bleu.Score b = Bleu.corpus(List.of("the the the the"),
                List.of(List.of("the cat and the dog", "the bird")), 1);
        assertEquals(0.5, b.precisions()[0], 1e-12);
    }

    @Test
    void corpusLevelSumsCountsBeforeDividing() {
        // s1: "a dog" vs "a dog": 2/2 unigrams, 1/1 bigrams
        // s2: "a cat runs" vs "the cat runs": 2/3 unigrams, 1/2 bigrams
        // corpus: p1 = 4/5, p2 = 2/3, c = r = 5 -> BLEU-2 = sqrt(8/15) = 0.7303
        Bleu.Score b = Bleu.corpus(List.of("a dog", "a cat runs"),
                List.of(List.of("a dog"), List.of("the cat runs")), 2);
        assertEquals(Math.sqrt(0.8 * 2.0 / 3), b.bleu(), 1e-12);
        assertEquals(0.730297, b.bleu(), 1e-6);
    }
}

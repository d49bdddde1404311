package org.efuf4j.efuf.eval;

import java.util.List;

/**
 * Two kinds of hallucination, told apart by the caption they sit in. A caption that names an absent object while it
 * misses a present one may have taken the one for the other: that hallucination is <em>swapped</em>, a perception
 * error. A hallucination beyond the present objects its caption misses is <em>added</em>: the caption runs past its
 * evidence, the language prior's kind, which EFUF unlearns in the clause that opens it. Pairs are counted, not matched
 * (which absent object stands for which missed one is not known): a caption with two hallucinated mentions and one
 * missed object counts one of each.
 *
 * @param added   hallucinated mentions beyond the present objects their caption misses
 * @param swapped hallucinated mentions matched by a present object their caption misses
 */
public record HallucinationKinds(int added, int swapped) {
    public HallucinationKinds {
        if (added < 0 || swapped < 0) throw new IllegalArgumentException("counts must be >= 0, got added " + added + ", swapped " + swapped);
    }

    public static HallucinationKinds of(List<CaptionChair> captions) {
        int added = 0, swapped = 0;
        for (CaptionChair c : captions) {
            int hallucinated = c.hallucinated().size(), missed = c.groundTruth().size() - c.recalled().size();
            int pairs = Math.min(hallucinated, missed);
            swapped += pairs;
            added += hallucinated - pairs;
        }
        return new HallucinationKinds(added, swapped);
    }

    public int hallucinated() {
        return added + swapped;
    }

    /** Share of the hallucinated mentions that are added; NaN without hallucinations. */
    public double addedShare() {
        return hallucinated() == 0 ? Double.NaN : (double) added / hallucinated();
    }
}

package org.efuf4j.efuf.eval;

import java.util.List;

/**
 * CHAIR over a set of captions.
 *
 * @param chairS  captions with at least one hallucinated mention / all captions
 * @param chairI  hallucinated mentions / all mentions (over the whole set, not a mean of ratios)
 * @param recall  ground-truth categories mentioned / ground-truth categories, summed over captions
 */
public record ChairReport(List<CaptionChair> captions, double chairS, double chairI, double recall,
                          int mentionCount, int hallucinatedMentionCount, int hallucinatingCaptionCount) {
    public ChairReport {
        captions = List.copyOf(captions);
    }
}

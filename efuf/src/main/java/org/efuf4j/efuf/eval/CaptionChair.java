package org.efuf4j.efuf.eval;

import java.util.List;
import java.util.Set;
import org.efuf4j.efuf.objects.Mention;

/**
 * CHAIR's verdict on one caption.
 *
 * @param mentions     every object mention, in reading order (a category mentioned twice counts twice)
 * @param hallucinated the mentions whose category is not in the image's ground truth
 * @param groundTruth  the image's categories
 * @param recalled     ground-truth categories the caption mentions
 */
public record CaptionChair(String imageId, String caption, List<Mention> mentions, List<Mention> hallucinated,
                           Set<String> groundTruth, Set<String> recalled) {
    public CaptionChair {
        mentions = List.copyOf(mentions);
        hallucinated = List.copyOf(hallucinated);
        groundTruth = Set.copyOf(groundTruth);
        recalled = Set.copyOf(recalled);
    }

    public boolean hallucinates() {
        return !hallucinated.isEmpty();
    }

    /** Hallucinated mentions / all mentions; 0 for a caption without mentions. */
    public double chairI() {
        return mentions.isEmpty() ? 0 : (double) hallucinated.size() / mentions.size();
    }

    /** Recalled ground-truth categories / all ground-truth categories; 0 when the image has none. */
    public double recall() {
        return groundTruth.isEmpty() ? 0 : (double) recalled.size() / groundTruth.size();
    }
}

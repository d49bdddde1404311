package org.efuf4j.efuf.dataset;

import java.util.List;
import org.efuf4j.efuf.objects.Mention;

/** A generated caption with the relevance score S(o) of each object it mentions (NaN when scoring failed). */
public record ScoredCaption(String image, String caption, List<ScoredMention> mentions) {
    public ScoredCaption {
        mentions = List.copyOf(mentions);
    }

    public record ScoredMention(Mention mention, double score) {}
}

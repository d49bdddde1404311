package org.efuf4j.efuf.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;

/**
 * The CHAIR object-hallucination metric (Rohrbach et al. 2018): mentions found by an
 * {@link ObjectExtractor} are checked against each image's ground-truth categories.
 */
public final class Chair {
    private final ObjectExtractor extractor;
    private final GroundTruth groundTruth;

    public Chair(ObjectExtractor extractor, GroundTruth groundTruth) {
        this.extractor = extractor;
        this.groundTruth = groundTruth;
    }

    public CaptionChair evaluate(String imageId, String caption) {
        Set<String> truth = groundTruth.require(imageId, "CHAIR caption '" + abbreviate(caption) + "'");
        List<Mention> mentions = extractor.extract(caption);
        List<Mention> hallucinated = new ArrayList<>();
        Set<String> recalled = new LinkedHashSet<>();
        for (Mention m : mentions) {
            if (truth.contains(m.object())) {
                recalled.add(m.object());
            } else {
                hallucinated.add(m);
            }
        }
        return new CaptionChair(imageId, caption, mentions, hallucinated, truth, recalled);
    }

    public ChairReport evaluate(List<GeneratedCaption> captions) {
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("CHAIR needs at least one caption");
        }
        List<CaptionChair> results = new ArrayList<>(captions.size());
        int mentions = 0;
        int hallucinatedMentions = 0;
        int hallucinatingCaptions = 0;
        long truthTotal = 0;
        long recalledTotal = 0;
        for (GeneratedCaption c : captions) {
            CaptionChair r = evaluate(c.imageId(), c.caption());
            results.add(r);
            mentions += r.mentions().size();
            hallucinatedMentions += r.hallucinated().size();
            hallucinatingCaptions += r.hallucinates() ? 1 : 0;
            truthTotal += r.groundTruth().size();
            recalledTotal += r.recalled().size();
        }
        double chairS = (double) hallucinatingCaptions / captions.size();
        double chairI = mentions == 0 ? 0 : (double) hallucinatedMentions / mentions;
        double recall = truthTotal == 0 ? 0 : (double) recalledTotal / truthTotal;
        return new ChairReport(results, chairS, chairI, recall, mentions, hallucinatedMentions, hallucinatingCaptions);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}

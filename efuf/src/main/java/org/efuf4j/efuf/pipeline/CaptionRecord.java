package org.efuf4j.efuf.pipeline;

import java.util.ArrayList;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

import org.efuf4j.efuf.dataset.ScoredCaption;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectVocabulary;

/**
 * One line of {@code captions.jsonl}: an image's generated caption with the objects it mentions and their scores
 * (null score = NaN: scoring failed). A skipped (unreadable) image has a {@code skipped} reason and no caption.
 */
public record CaptionRecord(String image, String caption, List<ScoredObject> objects, String skipped) {
    public record ScoredObject(String object, String term, String surface, int start, int end, Double score) {}

    public static CaptionRecord skipped(String image, String reason) {
        return new CaptionRecord(image, null, List.of(), reason);
    }

    @JsonIgnore public boolean isSkipped() { return skipped != null; }

    public static CaptionRecord of(String image, String caption, List<Mention> mentions, float[] scores) {
        List<ScoredObject> objects = new ArrayList<>(mentions.size());
        for (int i = 0; i < mentions.size(); i++) {
            Mention m = mentions.get(i);
            double s = scores[i];
            objects.add(new ScoredObject(m.object(), m.term(), m.surface(), m.start(), m.end(), Double.isFinite(s) ? s : null));
        }
        return new CaptionRecord(image, caption, objects, null);
    }

    /** Back to the dataset's form, resolving categories in the vocabulary. */
    public ScoredCaption toScoredCaption(ObjectVocabulary vocabulary, String where) {
        List<ScoredCaption.ScoredMention> mentions = new ArrayList<>();
        for (ScoredObject o : objects) {
            Mention m = new Mention(vocabulary.resolve(o.object(), where), o.term(), o.surface(), o.start(), o.end());
            mentions.add(new ScoredCaption.ScoredMention(m, o.score() == null ? Double.NaN : o.score()));
        }
        return new ScoredCaption(image, caption, mentions);
    }
}

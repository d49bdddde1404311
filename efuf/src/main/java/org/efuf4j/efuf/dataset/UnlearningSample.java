package org.efuf4j.efuf.dataset;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One training record of EFUF's datasets, stored as a JSONL line.
 *
 * @param kind    which set it belongs to
 * @param image   the image (file name or id)
 * @param object  the object's text as the caption wrote it; null for sentence samples
 * @param score   the object's CLIP score S(o); for sentence samples the caption's mean score
 * @param context the caption text before the target (empty for sentence samples)
 * @param target  the text whose likelihood is learned (D+, Ds) or unlearned (D-)
 */
public record UnlearningSample(Kind kind, String image, String object, double score, String context, String target) {

    public enum Kind {
        /** D+: the clause of an object with S(o) > T0. */
        @JsonProperty("positive") POSITIVE,
        /** D-: the clause of an object with S(o) < T1, a likely hallucination. */
        @JsonProperty("negative") NEGATIVE,
        /** Ds: a whole caption whose objects score well on average (mean S > T2). */
        @JsonProperty("sentence") SENTENCE
    }
}

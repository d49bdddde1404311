package org.efuf4j.efuf.dataset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.efuf4j.efuf.dataset.ScoredCaption.ScoredMention;
import org.efuf4j.efuf.dataset.UnlearningSample.Kind;

/**
 * Forms EFUF's three training sets from scored captions: D+ (object clauses with S > T0), D-
 * (object clauses with S < T1) and Ds (whole captions whose mean object score exceeds T2).
 * Mentions whose score is NaN (scoring failed) are dropped and counted; a caption with such a
 * mention cannot be judged as a whole and is left out of Ds.
 */
public final class SampleSelector {

    /** What a positive or negative sample's target is. */
    public enum Granularity {
        /** EFUF: the clause holding the object. */
        SUBSENTENCE,
        /**
         * The "vanilla unlearning" ablation: whole sentences (split at [.!?]), scored by the mean
         * score of the objects they mention, with the same thresholds.
         */
        SENTENCE,
        /**
         * Vanilla unlearning with each sentence scored by its lowest-scoring object: a sentence that names one
         * hallucinated object among present ones is a negative, where the mean of its scores would hide it (a
         * description of several present objects and one run-on object is one sentence).
         */
        SENTENCE_BY_LOWEST;

        /** Whether a sample is a whole sentence (the vanilla ablation's data) rather than a clause. */
        public boolean wholeSentences() {
            return this != SUBSENTENCE;
        }

        /** The granularity {@code statistics.json} records under this name ({@link #recorded()}). */
        public static Granularity ofRecorded(String name) {
            for (Granularity g : values()) if (g.recorded().equals(name)) return g;
            throw new IllegalArgumentException("unknown granularity '" + name + "'; expected one of "
                    + java.util.Arrays.stream(values()).map(Granularity::recorded).toList());
        }

        /** The name {@code statistics.json} records. */
        public String recorded() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What becomes of a mention that names an object its caption has already named ("..., a dog, a dog"). It scores
     * high, since the object is there, so the paper's rules make its clause a positive and its caption a Ds sentence,
     * teaching the model to list the object again. The paper keeps them (LLaVA's captions rarely repeat); a small
     * model's sampled captions do.
     */
    public enum Repeats {
        /** The paper: a repeat is judged by its score like any mention. */
        @JsonProperty("kept") KEPT,
        /** A repeated clause is no positive, and a caption naming one object twice no Ds sentence. */
        @JsonProperty("left_out") LEFT_OUT,
        /**
         * As {@link #LEFT_OUT}, and the repeated clause goes to D-: it claims a second instance the image may not hold,
         * an error the caption's own text shows (no label needed) and the score cannot, since the object is there.
         */
        @JsonProperty("unlearned") UNLEARNED
    }

    /**
     * @param sentenceNeedsMinAboveT1 the authors' implementation also requires every object of a
     *                                Ds caption to score above T1; the paper does not
     * @param repeats                 what becomes of a mention repeating an object of its caption
     * @param separatorInTarget       a clause's target starts at the separator that opens it (", a dog") rather than
     *                                after it (the context then ends at the previous object): see
     *                                {@link SubsentenceSplitter#forMention(String, org.efuf4j.efuf.objects.Mention, boolean)}
     * @param negativeEndsAtObject    a negative clause's target ends with its object's words (", a bird" of ", a bird in
     *                                the corner"): the ascent then falls on going on and on the object, not on the
     *                                position words every clause shares, which positives and sentences teach back
     */
    public record Options(Granularity granularity, boolean sentenceNeedsMinAboveT1, Repeats repeats, boolean separatorInTarget,
                          boolean negativeEndsAtObject) {
        public static final Options PAPER = new Options(Granularity.SUBSENTENCE, false, Repeats.KEPT, false, false);
        public static final Options IMPLEMENTATION = new Options(Granularity.SUBSENTENCE, true, Repeats.KEPT, false, false);
        public static final Options VANILLA = new Options(Granularity.SENTENCE, false, Repeats.KEPT, false, false);

        public Options {
            Objects.requireNonNull(repeats, "repeats");
        }

        public Options withRepeats(Repeats repeats) {
            return new Options(granularity, sentenceNeedsMinAboveT1, repeats, separatorInTarget, negativeEndsAtObject);
        }

        public Options withSeparatorInTarget(boolean separatorInTarget) {
            return new Options(granularity, sentenceNeedsMinAboveT1, repeats, separatorInTarget, negativeEndsAtObject);
        }

        public Options withNegativeEndsAtObject(boolean negativeEndsAtObject) {
            return new Options(granularity, sentenceNeedsMinAboveT1, repeats, separatorInTarget, negativeEndsAtObject);
        }

        /** These options at another granularity (the vanilla ablation's counterpart of a clause-level selection). */
        public Options withGranularity(Granularity granularity) {
            return new Options(granularity, sentenceNeedsMinAboveT1, repeats, separatorInTarget, negativeEndsAtObject);
        }
    }

    /**
     * The three sets and what was left out.
     *
     * @param repeatsLeftOut  clauses and captions left out of D+ and Ds for repeating an object
     * @param repeatsUnlearned of the negatives, those that are there for repeating an object ({@link Repeats#UNLEARNED})
     */
    public record Selection(List<UnlearningSample> positives, List<UnlearningSample> negatives,
                            List<UnlearningSample> sentences, int nanScores, int captionsWithoutObjects,
                            int repeatsLeftOut, int repeatsUnlearned) {}

    private static final Pattern SENTENCE_END = Pattern.compile("[.!?]+");

    private final ThresholdSet thresholds;
    private final Options options;

    public SampleSelector(ThresholdSet thresholds, Options options) {
        this.thresholds = thresholds;
        this.options = options;
    }

    public Selection select(List<ScoredCaption> captions) {
        List<UnlearningSample> positives = new ArrayList<>();
        List<UnlearningSample> negatives = new ArrayList<>();
        List<UnlearningSample> sentences = new ArrayList<>();
        int nan = 0;
        int withoutObjects = 0;
        Tally repeats = new Tally();
        for (ScoredCaption caption : captions) {
            if (caption.mentions().isEmpty()) {
                withoutObjects++;
                continue;
            }
            int captionNan = 0;
            for (ScoredMention m : caption.mentions()) {
                if (Double.isNaN(m.score())) {
                    captionNan++;
                }
            }
            nan += captionNan;
            boolean[] repeated = options.repeats() != Repeats.KEPT ? repeatedMentions(caption) : new boolean[caption.mentions().size()];
            if (!options.granularity().wholeSentences()) {
                addClauseSamples(caption, repeated, positives, negatives, repeats);
            } else {
                addSentenceSamples(caption, repeated, positives, negatives, repeats);
            }
            if (captionNan == 0) {
                if (any(repeated)) {
                    repeats.leftOut++;
                } else {
                    addWholeCaption(caption, sentences);
                }
            }
        }
        return new Selection(List.copyOf(positives), List.copyOf(negatives), List.copyOf(sentences), nan,
                withoutObjects, repeats.leftOut, repeats.unlearned);
    }

    /** Repeats left out of D+ and Ds, and repeats made negatives. */
    private static final class Tally {
        int leftOut;
        int unlearned;
    }

    /**
     * The set a sample judged by {@code score} goes to (null: none), given whether it repeats an object of its
     * caption; counts the repeats this turns away from D+ or into D-.
     */
    private Kind kind(double score, boolean repeat, Tally tally) {
        Kind kind = thresholds.positive(score) ? Kind.POSITIVE : thresholds.negative(score) ? Kind.NEGATIVE : null;
        if (!repeat || kind == Kind.NEGATIVE || Double.isNaN(score)) {
            return kind; // a low score is a negative anyway; NaN is unjudged
        }
        if (options.repeats() == Repeats.UNLEARNED) {
            tally.unlearned++;
            return Kind.NEGATIVE;
        }
        if (kind == Kind.POSITIVE) {
            tally.leftOut++;
        }
        return null;
    }

    private void addClauseSamples(ScoredCaption caption, boolean[] repeated, List<UnlearningSample> positives,
                                  List<UnlearningSample> negatives, Tally tally) {
        for (int i = 0; i < caption.mentions().size(); i++) {
            ScoredMention m = caption.mentions().get(i);
            double s = m.score();
            Kind kind = kind(s, repeated[i], tally);
            if (kind == null) {
                continue; // between the thresholds, or NaN (every comparison with NaN is false)
            }
            SubsentenceSplitter.Subsentence sub = SubsentenceSplitter.forMention(caption.caption(), m.mention(), options.separatorInTarget());
            if (kind == Kind.NEGATIVE && options.negativeEndsAtObject()) sub = SubsentenceSplitter.endingAt(caption.caption(), sub, m.mention().end());
            UnlearningSample sample = new UnlearningSample(kind, caption.image(), m.mention().surface(), s,
                    sub.context(), sub.target());
            (kind == Kind.POSITIVE ? positives : negatives).add(sample);
        }
    }

    private void addSentenceSamples(ScoredCaption caption, boolean[] repeated, List<UnlearningSample> positives,
                                    List<UnlearningSample> negatives, Tally tally) {
        String text = caption.caption();
        Matcher m = SENTENCE_END.matcher(text);
        int start = 0;
        while (start < text.length()) {
            int end = m.find() ? m.end() : text.length();
            double sum = 0;
            double lowest = Double.POSITIVE_INFINITY;
            int count = 0;
            List<String> objects = new ArrayList<>();
            boolean repeat = false;
            for (int i = 0; i < caption.mentions().size(); i++) {
                ScoredMention sm = caption.mentions().get(i);
                if (sm.mention().start() >= start && sm.mention().start() < end) {
                    repeat |= repeated[i];
                    if (!Double.isNaN(sm.score())) {
                        sum += sm.score();
                        lowest = Math.min(lowest, sm.score());
                        count++;
                        objects.add(sm.mention().surface());
                    }
                }
            }
            if (count > 0) {
                double score = options.granularity() == Granularity.SENTENCE_BY_LOWEST ? lowest : sum / count;
                Kind kind = kind(score, repeat, tally);
                if (kind != null) {
                    UnlearningSample sample = new UnlearningSample(kind, caption.image(), String.join(", ", objects),
                            score, text.substring(0, start), text.substring(start, end));
                    (kind == Kind.POSITIVE ? positives : negatives).add(sample);
                }
            }
            start = end;
        }
    }

    /** Per mention: whether it names an object an earlier mention of the caption already named. */
    private static boolean[] repeatedMentions(ScoredCaption caption) {
        boolean[] repeated = new boolean[caption.mentions().size()];
        Set<String> named = new HashSet<>();
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = !named.add(caption.mentions().get(i).mention().object());
        }
        return repeated;
    }

    private static boolean any(boolean[] flags) {
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                return true;
            }
        }
        return false;
    }

    private void addWholeCaption(ScoredCaption caption, List<UnlearningSample> sentences) {
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        for (ScoredMention m : caption.mentions()) {
            sum += m.score();
            min = Math.min(min, m.score());
        }
        double mean = sum / caption.mentions().size();
        if (mean > thresholds.t2() && (!options.sentenceNeedsMinAboveT1() || min > thresholds.t1())) {
            sentences.add(new UnlearningSample(Kind.SENTENCE, caption.image(), null, mean, "", caption.caption()));
        }
    }
}

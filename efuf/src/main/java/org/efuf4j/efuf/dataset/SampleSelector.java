package org.efuf4j.efuf.dataset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        SENTENCE
    }

    /**
     * @param sentenceNeedsMinAboveT1 the authors' implementation also requires every object of a
     *                                Ds caption to score above T1; the paper does not
     * @param repeatsLeftOut          a clause that names an object the caption has already named is no
     *                                positive, and a caption that names one object twice is no Ds
     *                                sentence: both score high (the object is there) but teach the
     *                                model to list it again. The paper keeps them (LLaVA's captions
     *                                rarely repeat); a small model's sampled captions do
     */
    public record Options(Granularity granularity, boolean sentenceNeedsMinAboveT1, boolean repeatsLeftOut) {
        public static final Options PAPER = new Options(Granularity.SUBSENTENCE, false, false);
        public static final Options IMPLEMENTATION = new Options(Granularity.SUBSENTENCE, true, false);
        public static final Options VANILLA = new Options(Granularity.SENTENCE, false, false);

        /** These options with repeated objects left out of D+ and Ds ({@link #repeatsLeftOut}). */
        public Options withoutRepeats() {
            return new Options(granularity, sentenceNeedsMinAboveT1, true);
        }
    }

    /**
     * The three sets and what was left out.
     *
     * @param repeatsLeftOut clauses and captions left out of D+ and Ds for repeating an object
     */
    public record Selection(List<UnlearningSample> positives, List<UnlearningSample> negatives,
                            List<UnlearningSample> sentences, int nanScores, int captionsWithoutObjects,
                            int repeatsLeftOut) {}

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
        int repeats = 0;
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
            boolean[] repeated = options.repeatsLeftOut() ? repeatedMentions(caption) : new boolean[caption.mentions().size()];
            if (options.granularity() == Granularity.SUBSENTENCE) {
                repeats += addClauseSamples(caption, repeated, positives, negatives);
            } else {
                repeats += addSentenceSamples(caption, repeated, positives, negatives);
            }
            if (captionNan == 0) {
                if (any(repeated)) {
                    repeats++;
                } else {
                    addWholeCaption(caption, sentences);
                }
            }
        }
        return new Selection(List.copyOf(positives), List.copyOf(negatives), List.copyOf(sentences), nan,
                withoutObjects, repeats);
    }

    /** Adds the caption's clause samples; returns how many positives were left out for repeating an object. */
    private int addClauseSamples(ScoredCaption caption, boolean[] repeated, List<UnlearningSample> positives,
                                 List<UnlearningSample> negatives) {
        int leftOut = 0;
        for (int i = 0; i < caption.mentions().size(); i++) {
            ScoredMention m = caption.mentions().get(i);
            double s = m.score();
            Kind kind = thresholds.positive(s) ? Kind.POSITIVE : thresholds.negative(s) ? Kind.NEGATIVE : null;
            if (kind == null) {
                continue; // between the thresholds, or NaN (every comparison with NaN is false)
            }
            if (kind == Kind.POSITIVE && repeated[i]) {
                leftOut++;
                continue;
            }
            SubsentenceSplitter.Subsentence sub = SubsentenceSplitter.forMention(caption.caption(), m.mention());
            UnlearningSample sample = new UnlearningSample(kind, caption.image(), m.mention().surface(), s,
                    sub.context(), sub.target());
            (kind == Kind.POSITIVE ? positives : negatives).add(sample);
        }
        return leftOut;
    }

    /** Adds the caption's sentence samples; returns how many positives were left out for repeating an object. */
    private int addSentenceSamples(ScoredCaption caption, boolean[] repeated, List<UnlearningSample> positives,
                                   List<UnlearningSample> negatives) {
        String text = caption.caption();
        int leftOut = 0;
        Matcher m = SENTENCE_END.matcher(text);
        int start = 0;
        while (start < text.length()) {
            int end = m.find() ? m.end() : text.length();
            double sum = 0;
            int count = 0;
            List<String> objects = new ArrayList<>();
            boolean repeat = false;
            for (int i = 0; i < caption.mentions().size(); i++) {
                ScoredMention sm = caption.mentions().get(i);
                if (sm.mention().start() >= start && sm.mention().start() < end) {
                    repeat |= repeated[i];
                    if (!Double.isNaN(sm.score())) {
                        sum += sm.score();
                        count++;
                        objects.add(sm.mention().surface());
                    }
                }
            }
            if (count > 0) {
                double mean = sum / count;
                Kind kind = thresholds.positive(mean) ? Kind.POSITIVE : thresholds.negative(mean) ? Kind.NEGATIVE : null;
                if (kind == Kind.POSITIVE && repeat) {
                    leftOut++;
                } else if (kind != null) {
                    UnlearningSample sample = new UnlearningSample(kind, caption.image(), String.join(", ", objects),
                            mean, text.substring(0, start), text.substring(start, end));
                    (kind == Kind.POSITIVE ? positives : negatives).add(sample);
                }
            }
            start = end;
        }
        return leftOut;
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

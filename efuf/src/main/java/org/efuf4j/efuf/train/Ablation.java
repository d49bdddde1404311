package org.efuf4j.efuf.train;

import java.util.List;

/**
 * Which terms of {@code L = L_pos + lambda1 L_neg + lambda2 L_sent} a run trains with: the variants of the paper's
 * Table 3 and three controls. Each carries its one spelling on the command line ({@link #word}), in metrics files
 * ({@link #key}) and in reports ({@link #label}).
 */
public enum Ablation {
    /** EFUF: clause-level positives and negatives plus the sentence loss. */
    FULL("full", "efuf", "EFUF", true, true, true, false),
    /** Fine-grained unlearning without the sentence loss (fluency suffers). */
    NO_SENTENCE("no-sentence", "no_sentence", "Fine-grained, no sentence loss", true, true, false, false),
    /** Only the sentence loss (plain fine-tuning on good captions); also the first of the three controls. */
    SENTENCE_ONLY("sentence-only", "sentence_only", "Sentence loss only", false, false, true, false),
    /** Whole sentences instead of clauses: the same terms, on a dataset formed with sentence granularity. */
    VANILLA("vanilla", "vanilla", "Vanilla unlearning (sentence-level)", true, true, true, true),
    /** Control: the two likelihood terms without gradient ascent, to tell what the ascent itself adds. */
    NO_ASCENT("no-ascent", "no_ascent", "Control: L_pos + L_sent, no ascent", true, false, true, false),
    /** Control: gradient ascent on the hallucinated clauses alone, with nothing holding the model in place. */
    ASCENT_ONLY("ascent-only", "ascent_only", "Control: ascent only", false, true, false, false);

    /** The value of {@code --ablation}. */
    public final String word;
    /** The name in metrics files and directories. */
    public final String key;
    /** The name in reports. */
    public final String label;
    public final boolean positives, negatives, sentences;
    /** Trained on whole-sentence samples (a dataset formed with sentence granularity). */
    public final boolean wholeSentences;

    Ablation(String word, String key, String label, boolean positives, boolean negatives, boolean sentences, boolean wholeSentences) {
        this.word = word;
        this.key = key;
        this.label = label;
        this.positives = positives;
        this.negatives = negatives;
        this.sentences = sentences;
        this.wholeSentences = wholeSentences;
    }

    /** The ablation a command-line word names, or an error listing every word. */
    public static Ablation ofWord(String word) {
        return Words.of(values(), a -> a.word, "--ablation", word);
    }

    /** The ablation a metrics key names, or an error listing every key. */
    public static Ablation ofKey(String key) {
        for (Ablation a : values()) if (a.key.equals(key)) return a;
        throw new IllegalArgumentException("no ablation has the key '" + key + "'; keys: "
                + Words.list(values(), a -> a.key));
    }

    /** The rows of the paper's Table 3, in its order: vanilla, no sentence loss, sentence loss only, EFUF. */
    public static List<Ablation> table3() {
        return List.of(VANILLA, NO_SENTENCE, SENTENCE_ONLY, FULL);
    }

    /**
     * The controls that tell what each ingredient adds: L_sent only (plain fine-tuning on good captions; the same run
     * as Table 3's sentence-loss-only row), L_pos + L_sent without ascent, and ascent alone.
     */
    public static List<Ablation> controls() {
        return List.of(SENTENCE_ONLY, NO_ASCENT, ASCENT_ONLY);
    }

    /** Every command-line word, comma-separated, for help texts and errors. */
    public static String words() {
        return Words.list(values(), a -> a.word);
    }

    /**
     * The set whose single pass makes an epoch: D- when the run ascends (the paper), else Ds, else D+.
     */
    String driver() {
        return negatives ? "negative" : sentences ? "sentence" : "positive";
    }
}

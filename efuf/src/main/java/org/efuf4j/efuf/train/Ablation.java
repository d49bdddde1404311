package org.efuf4j.efuf.train;

/** The variants of the paper's Table 3. */
public enum Ablation {
    /** EFUF: clause-level positives and negatives plus the sentence loss. */
    FULL(true, true, true),
    /** Fine-grained unlearning without the sentence loss (fluency suffers). */
    NO_SENTENCE(true, true, false),
    /** Only the sentence loss (plain fine-tuning on good captions). */
    SENTENCE_ONLY(false, false, true),
    /** Whole sentences instead of clauses: the same terms, on a dataset formed with sentence granularity. */
    VANILLA(true, true, true);

    public final boolean positives, negatives, sentences;

    Ablation(boolean positives, boolean negatives, boolean sentences) {
        this.positives = positives;
        this.negatives = negatives;
        this.sentences = sentences;
    }
}

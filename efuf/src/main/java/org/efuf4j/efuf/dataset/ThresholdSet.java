package org.efuf4j.efuf.dataset;

/**
 * EFUF's score thresholds: an object is a positive when S(o) > t0, a negative (hallucinated) when
 * S(o) < t1, and a caption is a sentence sample when its mean object score exceeds t2. The values
 * are specific to a CLIP model and domain; {@link #PAPER} are the paper's values for ViT-B/32.
 */
public record ThresholdSet(double t0, double t1, double t2) {
    public static final ThresholdSet PAPER = new ThresholdSet(32, 23, 27.5);

    public ThresholdSet {
        requireFinite("T0 (positive threshold)", t0);
        requireFinite("T1 (negative threshold)", t1);
        requireFinite("T2 (sentence threshold)", t2);
        if (!(t0 > t1)) {
            throw new IllegalArgumentException("T0 (positive threshold) must be greater than T1 (negative threshold),"
                    + " otherwise an object could be both learned and unlearned: got T0=" + t0 + ", T1=" + t1);
        }
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + value);
        }
    }

    public boolean positive(double score) {
        return score > t0;
    }

    public boolean negative(double score) {
        return score < t1;
    }

    public ThresholdSet withT2(double newT2) {
        return new ThresholdSet(t0, t1, newT2);
    }
}

package org.efuf4j.efuf.pipeline;

/**
 * How T0 and T1 are set; T2 is given or (null) chosen so that Ds is about as large as the mean of D+ and D-, as
 * the paper did. Unlabelled calibration uses percentiles or an estimated hallucination rate; a fitted two-component
 * mixture is deliberately not offered, because its components need not be the real and hallucinated objects.
 */
public sealed interface ThresholdChoice {
    Double t2();

    /** Fixed values (paper, ViT-B/32: 32 / 23 / 27.5). */
    record Given(double t0, double t1, Double t2) implements ThresholdChoice {}

    /** From the mentions whose images have ground truth: the loosest thresholds reaching the target precision. */
    record FromLabels(double targetPrecision, Double t2) implements ThresholdChoice {}

    /** T1 and T0 at low and high percentiles of all scores. */
    record FromPercentiles(double lowPercentile, double highPercentile, Double t2) implements ThresholdChoice {}

    /** From an estimated share of hallucinated objects (e.g. CHAIR_i of a sample). */
    record FromHallucinationRate(double rate, double share, Double t2) implements ThresholdChoice {}

    static ThresholdChoice paper() { return new Given(32, 23, 27.5); }
}

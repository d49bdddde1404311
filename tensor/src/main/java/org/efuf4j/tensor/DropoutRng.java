package org.efuf4j.tensor;

/**
 * The counter-based random stream behind dropout masks: element {@code i} of a mask drawn with
 * {@code seed} is a pure function of both, so every backend (and a replay in backward) draws the same mask.
 */
public final class DropoutRng {
    private DropoutRng() {}

    /** SplitMix64 finaliser of {@code seed + index * golden}: well mixed, stateless. */
    public static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) from the top 24 bits (exact in F32). */
    public static float uniform(long seed, long index) {
        return (mix(seed, index) >>> 40) * 0x1.0p-24f;
    }

    /** The mask value: 0 with probability {@code p}, else {@code 1/(1-p)}. */
    public static float maskValue(long seed, long index, float p) {
        return uniform(seed, index) < p ? 0f : 1f / (1f - p);
    }
}

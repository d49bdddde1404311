package org.efuf4j.world;

import java.util.List;

/**
 * SplitMix64: a tiny generator whose every output is fixed by its published algorithm, so a world
 * is the same on every JVM version (the JDK's own generators promise less). Independent streams
 * come from {@link #derive}, so images are generated in any order, or in parallel, identically.
 */
final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    Rng(long seed) {
        this.state = seed;
    }

    /** A stream for one purpose ({@code salt}) of one item ({@code index}) under a seed. */
    static Rng derive(long seed, long salt, long index) {
        return new Rng(mix(mix(seed ^ mix(salt)) + index * GOLDEN));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) ((nextLong() >>> 33) * bound >>> 31);
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    <T> T pick(List<T> items) {
        return items.get(nextInt(items.size()));
    }

    <T> void shuffle(List<T> items) {
        for (int i = items.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            T t = items.get(i);
            items.set(i, items.get(j));
            items.set(j, t);
        }
    }
}

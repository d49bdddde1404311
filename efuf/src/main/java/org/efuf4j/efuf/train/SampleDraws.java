package org.efuf4j.efuf.train;

import java.util.List;
import java.util.Random;

/**
 * The paper's schedule of draws: every step takes one sample of each set the ablation trains on, and an epoch is one
 * pass over the driving set (D- whenever the run ascends), so a run of {@code epochs} passes takes
 * {@code epochs x |driver|} steps. Each set is read in its own seeded shuffled order, shuffled anew on each pass
 * through it; the driver is drawn exactly once per epoch, the other sets cycle. A pass therefore draws as many
 * positives as negatives whatever the size of D+: with D+ larger than D-, a pass sees a seeded subset of it.
 *
 * <p>Any step's draw follows from the seed and the step alone, so a resumed run draws what an uninterrupted one would
 * have drawn without replaying the steps before.
 *
 * @param seed the run's sample-order seed ({@code --train-seed})
 */
public record SampleDraws(long seed) {
    /** Stream of the set an epoch passes over (D-, or Ds / D+ for ablations without ascent). */
    public static final int DRIVER = 0;
    /** Stream of D+ when it does not drive the epoch. */
    public static final int POSITIVE = 1;
    /** Stream of Ds when it does not drive the epoch. */
    public static final int SENTENCE = 2;

    /** The stream a set of this kind ("positive", "negative", "sentence") is drawn from under an ablation. */
    public static int stream(Ablation ablation, String kind) {
        if (kind.equals(ablation.driver())) return DRIVER;
        return switch (kind) {
            case "positive" -> POSITIVE;
            case "sentence" -> SENTENCE;
            default -> throw new IllegalArgumentException("negatives always drive the epoch of an ablation that uses them; "
                    + ablation.word + " drives with " + ablation.driver());
        };
    }

    /** Steps of a run: {@code epochs} passes over a driving set of {@code driverSize} samples. */
    public static long steps(int epochs, int driverSize) {
        return (long) epochs * driverSize;
    }

    /**
     * How a run of {@code steps} steps used a set of {@code size} samples: it drew {@code steps} times, and since every
     * pass through the set is a permutation, {@code min(size, steps)} distinct samples. For D+ beside a smaller D-
     * this is the share of D+ a run ever sees.
     */
    public record Use(int size, long drawn, long distinct) {
        public static Use of(int size, long steps) {
            return new Use(size, steps, Math.min(size, steps));
        }
    }

    /** The index into a set of {@code size} samples that {@code step} (from 0) draws on {@code stream}. */
    public int index(int size, long step, int stream) {
        if (size < 1) throw new IllegalArgumentException("cannot draw from an empty set (stream " + stream + ", step " + step + ")");
        long pass = step / size;
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        Random r = new Random(seed * 1_000_003L + stream * 7919L + pass);
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        return order[(int) (step % size)];
    }

    /** The sample {@code step} draws from {@code set} on {@code stream}. */
    public <T> T pick(List<T> set, long step, int stream) {
        return set.get(index(set.size(), step, stream));
    }
}

package org.efuf4j.models.generate;

/** How the next token is chosen. */
public sealed interface Decoding {
    /** The most likely token (HF {@code do_sample=False, num_beams=1}). */
    record Greedy() implements Decoding {}

    /**
     * Sampling from {@code softmax(logits / temperature)} restricted to the smallest top set whose probability
     * reaches {@code topP} (HF's temperature then top-p warpers), from a generator seeded with {@code seed}.
     */
    record Sampling(double temperature, double topP, long seed) implements Decoding {
        public Sampling {
            if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
    }

    /**
     * HF beam search: {@code numBeams} hypotheses per prompt; a finished hypothesis scores
     * {@code sum(log p) / generated_length^lengthPenalty}; stops early when no open beam can beat the finished ones.
     */
    record BeamSearch(int numBeams, double lengthPenalty) implements Decoding {
        public BeamSearch {
            if (numBeams < 1) throw new IllegalArgumentException("num_beams must be >= 1, got " + numBeams);
        }
    }

    Decoding GREEDY = new Greedy();
}

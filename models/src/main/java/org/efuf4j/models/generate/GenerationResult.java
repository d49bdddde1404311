package org.efuf4j.models.generate;

import java.util.List;

/**
 * @param sequences  per prompt: the prompt ids followed by the generated ids (a stop token included, nothing after it)
 * @param stepLogits per prompt, per generated token, the raw logits it was chosen from (greedy and sampling;
 *                   empty for beam search)
 */
public record GenerationResult(List<long[]> sequences, List<List<float[]>> stepLogits, int promptLength) {
    /** The ids generated for prompt {@code row}, without the prompt. */
    public long[] newTokens(int row) {
        long[] s = sequences.get(row);
        return java.util.Arrays.copyOfRange(s, promptLength, s.length);
    }
}

package org.efuf4j.models.generate;

import java.util.Set;

/**
 * @param maxNewTokens tokens to add at most
 * @param stopTokens   ids that end a sequence (kept as its last token); empty disables stopping
 * @param decoding     greedy, sampling or beam search
 * @param useCache     decode with per-layer KV caches (one new position per step) or re-run the whole sequence
 */
public record GenerationConfig(int maxNewTokens, Set<Integer> stopTokens, Decoding decoding, boolean useCache) {
    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        stopTokens = Set.copyOf(stopTokens);
    }

    public static GenerationConfig greedy(int maxNewTokens, Set<Integer> stopTokens) {
        return new GenerationConfig(maxNewTokens, stopTokens, Decoding.GREEDY, true);
    }

    public GenerationConfig withCache(boolean on) { return new GenerationConfig(maxNewTokens, stopTokens, decoding, on); }
}

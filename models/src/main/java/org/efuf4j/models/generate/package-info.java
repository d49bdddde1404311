/**
 * Autoregressive generation ({@link org.efuf4j.models.generate.Generator}): greedy, temperature/top-p sampling with a
 * seed, HF-style beam search with length penalty; stop tokens, max new tokens, left-padded batches; per-layer KV caches
 * (reordered with the beams) or full re-runs, which must produce the same tokens.
 */
package org.efuf4j.models.generate;

package org.efuf4j.models.generate;

import org.efuf4j.autograd.Shaping;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.KvCache;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.tensor.Tensor;

/**
 * Feeds a batch of sequences to a causal LM one position at a time and returns the next-token logits: with
 * per-layer KV caches (each step computes one position), or by re-running the whole sequence (the reference
 * the cache must agree with). Rows may be reordered between steps (beam search).
 */
final class StepDecoder {
    private final LlamaForCausalLM lm;
    private final KvCache[] caches;
    private Variable sequence;

    StepDecoder(LlamaForCausalLM lm, Variable promptEmbeds, int maxNewTokens, boolean useCache) {
        this.lm = lm;
        this.sequence = promptEmbeds;
        this.caches = useCache ? lm.model.newCaches(promptEmbeds.dim(0), promptEmbeds.dim(1) + maxNewTokens) : null;
    }

    /** Logits after the prompt, one row per sequence. */
    float[][] prefill() { return run(sequence); }

    /**
     * Appends {@code tokens[i]} to the sequence that was row {@code sourceRows[i]} (null: row i) and returns the
     * logits after it.
     */
    float[][] next(long[] tokens, int[] sourceRows) {
        Variable embedded = lm.embed(Tensor.ofLongs(tokens, tokens.length, 1));
        if (caches != null) {
            if (sourceRows != null) for (KvCache c : caches) c.reorder(sourceRows);
            return run(embedded);
        }
        if (sourceRows != null) {
            Variable[] rows = new Variable[sourceRows.length];
            for (int i = 0; i < rows.length; i++) rows[i] = sequence.slice(0, sourceRows[i], sourceRows[i] + 1);
            sequence = Shaping.concat(0, rows);
        }
        sequence = Shaping.concat(1, sequence, embedded);
        return run(sequence);
    }

    private float[][] run(Variable input) {
        Variable logits = lm.forward(input, null, null, caches, false).logits();
        int rows = logits.dim(0), vocab = logits.dim(2);
        float[] flat = logits.value().toFloatArray();
        float[][] out = new float[rows][vocab];
        for (int r = 0; r < rows; r++) System.arraycopy(flat, r * vocab, out[r], 0, vocab);
        return out;
    }
}

package org.efuf4j.models.generate;

import org.efuf4j.autograd.Shaping;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.KvCache;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.tensor.Tensor;

/**
 * Feeds a batch of sequences to a causal LM one position at a time and returns the next-token logits: with
 * per-layer KV caches (each step computes one position), or by re-running the whole sequence (the reference
 * the cache must agree with). Rows may be reordered between steps (beam search). Left-padded prompts are handled as
 * Hugging Face does: padding keys are masked and positions count real tokens only ({@code cumsum(mask) - 1}).
 */
final class StepDecoder {
    private final LlamaForCausalLM lm;
    private final KvCache[] caches;
    private Variable sequence;
    /** Per row: 1 for real keys so far, 0 for padding; null when nothing is padded. */
    private long[][] mask;
    /** Per row: the position of every key so far. */
    private long[][] positions;

    /** @param promptMask {@code [B, T]} 1 = token, 0 = left padding; null when no row is padded */
    StepDecoder(LlamaForCausalLM lm, Variable promptEmbeds, long[][] promptMask, int maxNewTokens, boolean useCache) {
        this.lm = lm;
        this.sequence = promptEmbeds;
        int rows = promptEmbeds.dim(0), length = promptEmbeds.dim(1);
        this.caches = useCache ? lm.model.newCaches(rows, length + maxNewTokens) : null;
        this.mask = promptMask;
        this.positions = new long[rows][length];
        for (int r = 0; r < rows; r++) {
            long seen = 0;
            for (int t = 0; t < length; t++) {
                boolean real = promptMask == null || promptMask[r][t] != 0;
                positions[r][t] = real ? seen++ : 1; // HF fills padded positions with 1
            }
        }
    }

    /** Logits after the prompt, one row per sequence. */
    float[][] prefill() { return run(sequence, 0); }

    /**
     * Appends {@code tokens[i]} to the sequence that was row {@code sourceRows[i]} (null: row i) and returns the
     * logits after it.
     */
    float[][] next(long[] tokens, int[] sourceRows) {
        int rows = tokens.length;
        if (sourceRows != null) {
            long[][] m = mask == null ? null : new long[rows][], p = new long[rows][];
            for (int i = 0; i < rows; i++) {
                if (m != null) m[i] = mask[sourceRows[i]];
                p[i] = positions[sourceRows[i]];
            }
            mask = m;
            positions = p;
        }
        int length = positions[0].length;
        for (int r = 0; r < rows; r++) {
            long[] p = java.util.Arrays.copyOf(positions[r], length + 1);
            long last = -1;
            for (int t = 0; t < length; t++) if (mask == null || mask[r][t] != 0) last = positions[r][t];
            p[length] = last + 1;
            positions[r] = p;
            if (mask != null) {
                mask[r] = java.util.Arrays.copyOf(mask[r], length + 1);
                mask[r][length] = 1;
            }
        }
        Variable embedded = lm.embed(Tensor.ofLongs(tokens, rows, 1));
        if (caches != null) {
            if (sourceRows != null) for (KvCache c : caches) c.reorder(sourceRows);
            return run(embedded, length);
        }
        if (sourceRows != null) {
            Variable[] parts = new Variable[rows];
            for (int i = 0; i < rows; i++) parts[i] = sequence.slice(0, sourceRows[i], sourceRows[i] + 1);
            sequence = Shaping.concat(0, parts);
        }
        sequence = Shaping.concat(1, sequence, embedded);
        return run(sequence, 0);
    }

    /** Runs {@code input}, whose first position is key number {@code from}. */
    private float[][] run(Variable input, int from) {
        int rows = input.dim(0), t = input.dim(1), keys = positions[0].length;
        long[] pos = new long[rows * t];
        for (int r = 0; r < rows; r++) System.arraycopy(positions[r], from, pos, r * t, t);
        Tensor maskTensor = null;
        if (mask != null) {
            long[] m = new long[rows * keys];
            for (int r = 0; r < rows; r++) System.arraycopy(mask[r], 0, m, r * keys, keys);
            maskTensor = Tensor.ofLongs(m, rows, keys);
        }
        Variable logits = lm.forward(input, maskTensor, Tensor.ofLongs(pos, rows, t).to(lm.device()), caches, false).logits();
        int vocab = logits.dim(2);
        float[] flat = logits.value().toFloatArray();
        float[][] out = new float[rows][vocab];
        for (int r = 0; r < rows; r++) System.arraycopy(flat, r * vocab, out[r], 0, vocab);
        return out;
    }
}

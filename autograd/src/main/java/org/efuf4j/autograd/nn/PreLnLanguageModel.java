package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * A GPT-style causal LM of pre-LN encoder layers with learned positions: {@code embed_tokens},
 * {@code embed_positions}, {@code layers.N} ({@link ClipEncoderLayer}), {@code final_layer_norm},
 * {@code lm_head} (no bias). Small enough for parity tests and the train-step benchmark.
 */
public final class PreLnLanguageModel extends Module {
    public final Embedding embedTokens, embedPositions;
    public final ModuleList<ClipEncoderLayer> layers;
    public final LayerNorm finalLayerNorm;
    public final Linear lmHead;

    public PreLnLanguageModel(int vocab, int maxPositions, int dModel, int heads, int ffn, int numLayers, UnaryOp act, Random init) {
        embedTokens = register("embed_tokens", new Embedding(vocab, dModel, init));
        embedPositions = register("embed_positions", new Embedding(maxPositions, dModel, init));
        layers = register("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(new ClipEncoderLayer(dModel, heads, ffn, act, 1e-5f, init));
        finalLayerNorm = register("final_layer_norm", new LayerNorm(dModel, 1e-5f));
        lmHead = register("lm_head", new Linear(dModel, vocab, false, init));
    }

    /** Logits {@code [B, T, vocab]} for {@code ids [B, T]} under a causal mask. */
    public Variable logits(Tensor ids) {
        int t = ids.dim(1);
        long[] pos = new long[t];
        for (int i = 0; i < t; i++) pos[i] = i;
        Tensor positions = embedPositions.weight.backend().fromHost(Tensor.ofLongs(pos, 1, t));
        Variable x = Arithmetic.add(embedTokens.forward(ids), embedPositions.forward(positions));
        for (ClipEncoderLayer l : layers) x = l.forward(x, AttentionMask.CAUSAL);
        return lmHead.forward(finalLayerNorm.forward(x));
    }

    public Variable loss(Tensor ids, Tensor labels, Losses.Reduction reduction) {
        return Losses.tokenCrossEntropy(logits(ids), labels, reduction);
    }
}

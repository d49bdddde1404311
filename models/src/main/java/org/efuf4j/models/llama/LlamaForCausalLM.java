package org.efuf4j.models.llama;

import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.MatrixOps;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.KvCache;
import org.efuf4j.autograd.nn.Linear;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.models.ModelInputs;
import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;

/**
 * HF {@code LlamaForCausalLM} / {@code Qwen2ForCausalLM}: {@code model.*} plus {@code lm_head}, which is absent
 * (the embedding matrix reads the logits) when {@code tie_word_embeddings} is set.
 */
public final class LlamaForCausalLM extends Module {
    public final LlamaModel model;
    /** Null when the embeddings are tied. */
    public final Linear lmHead;
    private final LlamaConfig config;

    public LlamaForCausalLM(LlamaConfig config, Random init) {
        this.config = config;
        model = register("model", new LlamaModel(config, init));
        lmHead = config.tieWordEmbeddings() ? null : register("lm_head", new Linear(config.hiddenSize(), config.vocabSize(), false, init));
    }

    public LlamaConfig config() { return config; }

    public Device device() { return model.norm.weight.value().device(); }

    /** The matrix the logits are read from: {@code lm_head.weight} or the tied embeddings. */
    public Parameter outputEmbeddings() { return lmHead != null ? lmHead.weight : model.embedTokens.weight; }

    public Variable embed(Tensor ids) { return model.embedTokens.forward(ModelInputs.ids(ids, "input_ids", device())); }

    public Variable logits(Variable hidden) { return MatrixOps.linear(hidden, outputEmbeddings(), null); }

    /** A full pass over token ids, positions 0.., no cache. */
    public DecoderOutput forward(Tensor ids, Tensor attentionMask) {
        return forward(embed(ids), attentionMask, null, null, true);
    }

    /**
     * @param positions {@code [B, T]}, or null for {@code 0..T-1}
     * @param caches    per-layer KV caches, or null
     * @param allLogits logits for every position, or only the last one (generation)
     */
    public DecoderOutput forward(Variable inputsEmbeds, Tensor attentionMask, Tensor positions, KvCache[] caches, boolean allLogits) {
        int b = inputsEmbeds.dim(0), t = inputsEmbeds.dim(1);
        if (positions == null) positions = ModelInputs.positions(b, t, caches == null ? 0 : caches[0].length(), device());
        Tensor mask = attentionMask == null ? null : attentionMask.to(device());
        List<Variable> states = model.forward(inputsEmbeds, mask, positions, caches);
        Variable last = states.get(states.size() - 1);
        return new DecoderOutput(logits(allLogits ? last : last.slice(1, t - 1, t)), states);
    }
}

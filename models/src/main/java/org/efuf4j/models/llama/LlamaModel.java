package org.efuf4j.models.llama;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Embedding;
import org.efuf4j.autograd.nn.KvCache;
import org.efuf4j.autograd.nn.LlamaDecoderLayer;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.ModuleList;
import org.efuf4j.autograd.nn.RmsNorm;
import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/** HF {@code LlamaModel} / {@code Qwen2Model} ({@code model.*}): embeddings, decoder layers, final RMSNorm. */
public final class LlamaModel extends Module {
    public final Embedding embedTokens;
    public final ModuleList<LlamaDecoderLayer> layers;
    public final RmsNorm norm;
    private final LlamaConfig config;

    public LlamaModel(LlamaConfig config, Random init) {
        this.config = checkSupported(config);
        embedTokens = register("embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize(), init));
        layers = register("layers", new ModuleList<>());
        for (int i = 0; i < config.numHiddenLayers(); i++)
            layers.add(new LlamaDecoderLayer(config.hiddenSize(), config.numAttentionHeads(), config.numKeyValueHeads(),
                    config.intermediateSize(), (float) config.ropeTheta(), (float) config.rmsNormEps(),
                    config.qkvBias(), config.outputProjectionBias(), init));
        norm = register("norm", new RmsNorm(config.hiddenSize(), (float) config.rmsNormEps()));
    }

    private static LlamaConfig checkSupported(LlamaConfig c) {
        String what = null;
        if (c.ropeScaling() != null) what = "rope_scaling " + c.ropeScaling();
        else if (c.headDim() * c.numAttentionHeads() != c.hiddenSize()) what = "head_dim " + c.headDim() + " != hidden_size / num_attention_heads";
        else if (!c.hiddenAct().equals("silu")) what = "hidden_act \"" + c.hiddenAct() + "\" (only silu)";
        else if (c.mlpBias()) what = "mlp_bias true";
        else if (c.useSlidingWindow()) what = "use_sliding_window true (sliding-window attention)";
        if (what != null) throw new IllegalArgumentException(c.modelType() + " config not supported: " + what);
        return c;
    }

    public LlamaConfig config() { return config; }

    /** One KV cache per layer for {@code batch} sequences of up to {@code maxLength} positions. */
    public KvCache[] newCaches(int batch, int maxLength) {
        Backend be = embedTokens.weight.value().backend();
        KvCache[] caches = new KvCache[layers.size()];
        for (int i = 0; i < caches.length; i++)
            caches[i] = new KvCache(be, batch, config.numKeyValueHeads(), maxLength, config.headDim());
        return caches;
    }

    /**
     * @param inputsEmbeds  {@code [B, T, D]}
     * @param attentionMask {@code [B, keys]} 1 = real, 0 = padding (keys include cached ones), or null
     * @param positions     {@code [B, T]} RoPE positions
     * @param caches        one per layer (inference under NoGrad), or null
     * @return hidden states: the input, each layer's output, the last one replaced by {@code norm} of it
     */
    public List<Variable> forward(Variable inputsEmbeds, Tensor attentionMask, Tensor positions, KvCache[] caches) {
        AttentionMask mask = AttentionMask.causal(attentionMask, 0);
        List<Variable> states = new ArrayList<>(layers.size() + 1);
        Variable x = inputsEmbeds;
        states.add(x);
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, mask, positions, caches == null ? null : caches[i]);
            states.add(x);
        }
        states.set(states.size() - 1, norm.forward(x));
        return states;
    }
}

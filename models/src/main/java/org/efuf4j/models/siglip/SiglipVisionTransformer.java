package org.efuf4j.models.siglip;

import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.LayerNorm;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.clip.ClipEncoder;
import org.efuf4j.models.clip.ModelInputs;
import org.efuf4j.models.config.SiglipVisionConfig;
import org.efuf4j.models.vision.VisionOutput;
import org.efuf4j.models.vision.VisionTransformer;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;

/**
 * HF {@code SiglipVisionTransformer}: embeddings, encoder (same layer names as CLIP, tanh-GELU, eps 1e-6),
 * {@code last_hidden_state = post_layernorm(last layer)}; the hidden states stay un-normalised. The attention-pooling
 * {@code head} is not modelled (LLaVA reads hidden states only); the loader skips its weights.
 */
public final class SiglipVisionTransformer extends Module implements VisionTransformer {
    public final SiglipVisionEmbeddings embeddings;
    public final ClipEncoder encoder;
    public final LayerNorm postLayernorm;
    private final SiglipVisionConfig config;

    public SiglipVisionTransformer(SiglipVisionConfig config, Random init) {
        this.config = config;
        embeddings = register("embeddings", new SiglipVisionEmbeddings(config, init));
        encoder = register("encoder", new ClipEncoder(config.numHiddenLayers(), config.hiddenSize(), config.numAttentionHeads(),
                config.intermediateSize(), config.hiddenAct(), config.layerNormEps(), init));
        postLayernorm = register("post_layernorm", new LayerNorm(config.hiddenSize(), (float) config.layerNormEps()));
    }

    @Override public SiglipVisionConfig config() { return config; }

    @Override public VisionOutput forward(Tensor pixels, int layers) {
        pixels = ModelInputs.pixels(pixels, config.numChannels(), config.imageSize(), postLayernorm.weight.value().device());
        List<Variable> states = encoder.forward(embeddings.forward(pixels), AttentionMask.NONE, layers);
        if (layers < config.numHiddenLayers()) return new VisionOutput(states, null, null);
        return new VisionOutput(states, postLayernorm.forward(states.get(states.size() - 1)), null);
    }
}

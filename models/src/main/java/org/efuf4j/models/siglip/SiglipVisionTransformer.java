package org.efuf4j.models.siglip;

import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.LayerNorm;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.clip.ClipEncoder;
import org.efuf4j.models.ModelInputs;
import org.efuf4j.models.config.SiglipVisionConfig;
import org.efuf4j.models.vision.VisionOutput;
import org.efuf4j.models.vision.VisionTransformer;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;

/**
 * HF {@code SiglipVisionTransformer}: embeddings, encoder (same layer names as CLIP, tanh-GELU, eps 1e-6),
 * {@code last_hidden_state = post_layernorm(last layer)}; the hidden states stay un-normalised;
 * {@code pooler_output = head(last_hidden_state)}. Inside LLaVA the tower is built without the {@code head} (LLaVA reads
 * hidden states only, and checkpoints may omit it); the loader skips head weights there.
 */
public final class SiglipVisionTransformer extends Module implements VisionTransformer {
    public final SiglipVisionEmbeddings embeddings;
    public final ClipEncoder encoder;
    public final LayerNorm postLayernorm;
    /** Null when built without the pooling head. */
    public final SiglipAttentionPoolingHead head;
    private final SiglipVisionConfig config;

    public SiglipVisionTransformer(SiglipVisionConfig config, boolean withHead, Random init) {
        this.config = config;
        embeddings = register("embeddings", new SiglipVisionEmbeddings(config, init));
        encoder = register("encoder", new ClipEncoder(config.numHiddenLayers(), config.hiddenSize(), config.numAttentionHeads(),
                config.intermediateSize(), config.hiddenAct(), config.layerNormEps(), init));
        postLayernorm = register("post_layernorm", new LayerNorm(config.hiddenSize(), (float) config.layerNormEps()));
        head = withHead ? register("head", new SiglipAttentionPoolingHead(config, init)) : null;
    }

    @Override public SiglipVisionConfig config() { return config; }

    @Override public VisionOutput forward(Tensor pixels, int layers) {
        pixels = ModelInputs.pixels(pixels, config.numChannels(), config.imageSize(), postLayernorm.weight.value().device());
        List<Variable> states = encoder.forward(embeddings.forward(pixels), AttentionMask.NONE, layers);
        if (layers < config.numHiddenLayers()) return new VisionOutput(states, null, null);
        Variable last = postLayernorm.forward(states.get(states.size() - 1));
        return new VisionOutput(states, last, head == null ? null : head.forward(last));
    }
}

package org.efuf4j.models.clip;

import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.LayerNorm;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.ModelInputs;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.vision.VisionOutput;
import org.efuf4j.models.vision.VisionTransformer;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;

/**
 * HF {@code CLIPVisionTransformer}: embeddings, {@code pre_layrnorm} (sic), encoder without mask,
 * pooled = {@code post_layernorm} of the class token. {@code post_layernorm} never touches the hidden states.
 */
public final class ClipVisionTransformer extends Module implements VisionTransformer {
    public final ClipVisionEmbeddings embeddings;
    public final LayerNorm preLayrnorm;
    public final ClipEncoder encoder;
    public final LayerNorm postLayernorm;
    private final ClipVisionConfig config;

    public ClipVisionTransformer(ClipVisionConfig config, Random init) {
        this.config = config;
        float eps = (float) config.layerNormEps();
        embeddings = register("embeddings", new ClipVisionEmbeddings(config, init));
        preLayrnorm = register("pre_layrnorm", new LayerNorm(config.hiddenSize(), eps));
        encoder = register("encoder", new ClipEncoder(config.numHiddenLayers(), config.hiddenSize(), config.numAttentionHeads(),
                config.intermediateSize(), config.hiddenAct(), config.layerNormEps(), init));
        postLayernorm = register("post_layernorm", new LayerNorm(config.hiddenSize(), eps));
    }

    @Override public ClipVisionConfig config() { return config; }

    @Override public VisionOutput forward(Tensor pixels, int layers) {
        pixels = ModelInputs.pixels(pixels, config.numChannels(), config.imageSize(), preLayrnorm.weight.value().device());
        Variable x = preLayrnorm.forward(embeddings.forward(pixels));
        List<Variable> states = encoder.forward(x, AttentionMask.NONE, layers);
        if (layers < config.numHiddenLayers()) return new VisionOutput(states, null, null);
        Variable last = states.get(states.size() - 1);
        Variable cls = last.slice(1, 0, 1).reshape(last.dim(0), last.dim(2));
        return new VisionOutput(states, last, postLayernorm.forward(cls));
    }
}

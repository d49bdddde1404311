package org.efuf4j.models.config;

/** The image encoder of a CLIP-style or SigLIP-style vision transformer (the LLaVA vision tower). */
public sealed interface VisionTowerConfig extends ModelConfig permits ClipVisionConfig, SiglipVisionConfig {
    int hiddenSize();
    int intermediateSize();
    int numHiddenLayers();
    int numAttentionHeads();
    int numChannels();
    int imageSize();
    int patchSize();
    String hiddenAct();
    double layerNormEps();

    /** CLIP prepends a class token; SigLIP does not. */
    boolean hasClassToken();

    default int headDim() { return hiddenSize() / numAttentionHeads(); }

    /** Patches per side: {@code image_size / patch_size}, floored like the stride-P convolution (SigLIP so400m: 384 / 14 = 27). */
    default int gridSize() { return imageSize() / patchSize(); }

    default int numPatches() { return gridSize() * gridSize(); }

    /** Rows of the position embedding: the patches, plus one for the class token where there is one. */
    default int numPositions() { return numPatches() + (hasClassToken() ? 1 : 0); }

    /** The config.json fields both tower kinds share; each kind adds its own. */
    default com.fasterxml.jackson.databind.node.ObjectNode towerJson() {
        var n = ConfigReader.MAPPER.createObjectNode();
        n.put("model_type", modelType());
        n.put("hidden_size", hiddenSize());
        n.put("intermediate_size", intermediateSize());
        n.put("num_hidden_layers", numHiddenLayers());
        n.put("num_attention_heads", numAttentionHeads());
        n.put("num_channels", numChannels());
        n.put("image_size", imageSize());
        n.put("patch_size", patchSize());
        n.put("hidden_act", hiddenAct());
        n.put("layer_norm_eps", layerNormEps());
        return n;
    }
}

package org.efuf4j.models.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code SiglipVisionConfig} (model_type {@code siglip_vision_model}): no class token, no pre-norm, a patch
 * convolution with a bias, tanh-approximated GELU.
 *
 * @param visionUseHead whether the tower has its attention-pooling head ({@code head.*} weights); transformers
 *                      assumes it does when the field is absent, llava-interleave sets it to false
 */
public record SiglipVisionConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numChannels,
        int imageSize,
        int patchSize,
        String hiddenAct,
        double layerNormEps,
        double attentionDropout,
        boolean visionUseHead) implements VisionTowerConfig {

    public static final String MODEL_TYPE = "siglip_vision_model";

    /** The transformers defaults ({@code google/siglip-base-patch16-224}). */
    public static SiglipVisionConfig defaults() { return parse(ConfigReader.empty("<defaults>", "")); }

    static SiglipVisionConfig parse(ConfigReader r) {
        SiglipVisionConfig c = new SiglipVisionConfig(
                r.getPositiveInt("hidden_size", 768),
                r.getPositiveInt("intermediate_size", 3072),
                r.getPositiveInt("num_hidden_layers", 12),
                r.getPositiveInt("num_attention_heads", 12),
                r.getPositiveInt("num_channels", 3),
                r.getPositiveInt("image_size", 224),
                r.getPositiveInt("patch_size", 16),
                r.getString("hidden_act", "gelu_pytorch_tanh"),
                r.getPositiveDouble("layer_norm_eps", 1e-6),
                r.getDouble("attention_dropout", 0.0),
                r.getBoolean("vision_use_head", true));
        r.requireDivisible("hidden_size", c.hiddenSize, "num_attention_heads", c.numAttentionHeads);
        return c;
    }

    @Override public boolean hasClassToken() { return false; }

    @Override public String modelType() { return MODEL_TYPE; }

    @Override public String architecture() { return "SiglipVisionModel"; }

    @Override public ObjectNode toJson() {
        ObjectNode n = towerJson();
        n.put("attention_dropout", attentionDropout);
        n.put("vision_use_head", visionUseHead);
        return n;
    }
}

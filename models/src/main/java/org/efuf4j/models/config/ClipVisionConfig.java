package org.efuf4j.models.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code CLIPVisionConfig} (model_type {@code clip_vision_model}). */
public record ClipVisionConfig(
        int hiddenSize,
        int intermediateSize,
        int projectionDim,
        int numHiddenLayers,
        int numAttentionHeads,
        int numChannels,
        int imageSize,
        int patchSize,
        String hiddenAct,
        double layerNormEps,
        double attentionDropout,
        double initializerRange,
        double initializerFactor) implements VisionTowerConfig {

    public static final String MODEL_TYPE = "clip_vision_model";

    /** The transformers defaults: the vision tower of {@code openai/clip-vit-base-patch32}. */
    public static ClipVisionConfig defaults() { return parse(ConfigReader.empty("<defaults>", "")); }

    /**
     * The vision tower {@code LlavaConfig} builds when {@code vision_config} is absent: CLIP ViT-L/14 at 336
     * pixels ({@code openai/clip-vit-large-patch14-336}).
     */
    static ClipVisionConfig llavaDefault() {
        return new ClipVisionConfig(1024, 4096, 768, 24, 16, 3, 336, 14, "quick_gelu", 1e-5, 0.0, 0.02, 1.0);
    }

    static ClipVisionConfig parse(ConfigReader r) {
        ClipVisionConfig c = new ClipVisionConfig(
                r.getPositiveInt("hidden_size", 768),
                r.getPositiveInt("intermediate_size", 3072),
                r.getPositiveInt("projection_dim", 512),
                r.getPositiveInt("num_hidden_layers", 12),
                r.getPositiveInt("num_attention_heads", 12),
                r.getPositiveInt("num_channels", 3),
                r.getPositiveInt("image_size", 224),
                r.getPositiveInt("patch_size", 32),
                r.getString("hidden_act", "quick_gelu"),
                r.getPositiveDouble("layer_norm_eps", 1e-5),
                r.getDouble("attention_dropout", 0.0),
                r.getDouble("initializer_range", 0.02),
                r.getDouble("initializer_factor", 1.0));
        r.requireDivisible("hidden_size", c.hiddenSize, "num_attention_heads", c.numAttentionHeads);
        return c;
    }

    @Override public boolean hasClassToken() { return true; }

    @Override public String modelType() { return MODEL_TYPE; }

    @Override public String architecture() { return "CLIPVisionModel"; }

    @Override public ObjectNode toJson() {
        ObjectNode n = towerJson();
        n.put("projection_dim", projectionDim);
        n.put("attention_dropout", attentionDropout);
        n.put("initializer_range", initializerRange);
        n.put("initializer_factor", initializerFactor);
        return n;
    }
}

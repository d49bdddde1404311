package org.efuf4j.models.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code LlavaConfig} (model_type {@code llava}): a vision tower (CLIP or SigLIP), a two-layer projector and
 * a LLaMA or Qwen2 decoder.
 *
 * @param imageTokenIndex    the placeholder id each projected image row replaces
 * @param visionFeatureLayer index into the tower's hidden states, Python style (-2: the output of the
 *                           second-to-last layer; 0 would be the embeddings)
 * @param imageSeqLength     placeholder ids per image the processor inserts
 */
public record LlavaConfig(
        VisionTowerConfig visionConfig,
        LlamaConfig textConfig,
        int ignoreIndex,
        int imageTokenIndex,
        String projectorHiddenAct,
        int visionFeatureLayer,
        FeatureSelectStrategy visionFeatureSelectStrategy,
        int imageSeqLength,
        Integer padTokenId) implements ModelConfig {

    public static final String MODEL_TYPE = "llava";

    public LlavaConfig {
        if (visionConfig == null || textConfig == null) throw new IllegalArgumentException("LLaVA needs a vision and a text config");
        if (visionFeatureSelectStrategy == null) throw new IllegalArgumentException("vision_feature_select_strategy is null");
    }

    static LlavaConfig parse(ConfigReader r) {
        VisionTowerConfig vision = parseVision(r);
        LlamaConfig text = parseText(r);
        int layer = r.getInt("vision_feature_layer", -2);
        // hidden_states holds the embeddings plus one entry per layer.
        int states = vision.numHiddenLayers() + 1;
        if (layer < -states || layer >= states) {
            throw r.error("vision_feature_layer", "must lie in [" + -states + ", " + (states - 1) + "] for a tower of "
                    + vision.numHiddenLayers() + " layers, got " + layer);
        }
        return new LlavaConfig(
                vision,
                text,
                r.getInt("ignore_index", -100),
                r.getInt("image_token_index", 32000),
                r.getString("projector_hidden_act", "gelu"),
                layer,
                FeatureSelectStrategy.fromJson(r, "vision_feature_select_strategy",
                        r.getString("vision_feature_select_strategy", "default")),
                r.getPositiveInt("image_seq_length", 576),
                r.getNullableInt("pad_token_id", null));
    }

    private static VisionTowerConfig parseVision(ConfigReader r) {
        ConfigReader v = r.child("vision_config");
        if (v == null) return ClipVisionConfig.llavaDefault();
        String type = v.getString("model_type", ClipVisionConfig.MODEL_TYPE);
        return switch (type) {
            case ClipVisionConfig.MODEL_TYPE -> ClipVisionConfig.parse(v);
            case SiglipVisionConfig.MODEL_TYPE -> SiglipVisionConfig.parse(v);
            default -> throw v.error("model_type", "must be \"" + ClipVisionConfig.MODEL_TYPE + "\" or \""
                    + SiglipVisionConfig.MODEL_TYPE + "\" (the supported LLaVA vision towers), got \"" + type + "\"");
        };
    }

    private static LlamaConfig parseText(ConfigReader r) {
        ConfigReader t = r.child("text_config");
        if (t == null) return LlamaConfig.llamaDefaults();
        String type = t.getString("model_type", LlamaConfig.LLAMA);
        if (!type.equals(LlamaConfig.LLAMA) && !type.equals(LlamaConfig.QWEN2)) {
            throw t.error("model_type", "must be \"llama\" or \"qwen2\" (the supported LLaVA language models), got \"" + type + "\"");
        }
        return LlamaConfig.parse(t, type);
    }

    /** The tower's hidden state the projector reads, as a non-negative index into {@code hidden_states}. */
    public int visionFeatureLayerIndex() {
        return visionFeatureLayer >= 0 ? visionFeatureLayer : visionConfig.numHiddenLayers() + 1 + visionFeatureLayer;
    }

    /**
     * Projector input rows per image: the tower's sequence, less row 0 under {@code default} (the class token
     * for CLIP; transformers drops row 0 even for SigLIP, which has none, so SigLIP configs use {@code full}).
     */
    public int imageFeatureRows() {
        int rows = visionConfig.numPositions();
        return visionFeatureSelectStrategy == FeatureSelectStrategy.DEFAULT ? rows - 1 : rows;
    }

    @Override public String modelType() { return MODEL_TYPE; }

    @Override public String architecture() { return "LlavaForConditionalGeneration"; }

    @Override public ObjectNode toJson() {
        ObjectNode n = ConfigReader.MAPPER.createObjectNode();
        n.put("model_type", MODEL_TYPE);
        n.put("ignore_index", ignoreIndex);
        n.put("image_token_index", imageTokenIndex);
        n.put("projector_hidden_act", projectorHiddenAct);
        n.put("vision_feature_layer", visionFeatureLayer);
        n.put("vision_feature_select_strategy", visionFeatureSelectStrategy.jsonName());
        n.put("image_seq_length", imageSeqLength);
        n.put("pad_token_id", padTokenId);
        n.set("vision_config", visionConfig.toJson());
        n.set("text_config", textConfig.toJson());
        return n;
    }
}

package org.efuf4j.models.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code CLIPTextConfig} (model_type {@code clip_text_model}). */
public record ClipTextConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int projectionDim,
        int numHiddenLayers,
        int numAttentionHeads,
        int maxPositionEmbeddings,
        String hiddenAct,
        double layerNormEps,
        double attentionDropout,
        double initializerRange,
        double initializerFactor,
        int padTokenId,
        int bosTokenId,
        int eosTokenId) implements ModelConfig {

    public static final String MODEL_TYPE = "clip_text_model";

    /** The transformers defaults: the text tower of {@code openai/clip-vit-base-patch32}. */
    public static ClipTextConfig defaults() { return parse(ConfigReader.empty("<defaults>", "")); }

    static ClipTextConfig parse(ConfigReader r) {
        ClipTextConfig c = new ClipTextConfig(
                r.getPositiveInt("vocab_size", 49408),
                r.getPositiveInt("hidden_size", 512),
                r.getPositiveInt("intermediate_size", 2048),
                r.getPositiveInt("projection_dim", 512),
                r.getPositiveInt("num_hidden_layers", 12),
                r.getPositiveInt("num_attention_heads", 8),
                r.getPositiveInt("max_position_embeddings", 77),
                r.getString("hidden_act", "quick_gelu"),
                r.getPositiveDouble("layer_norm_eps", 1e-5),
                r.getDouble("attention_dropout", 0.0),
                r.getDouble("initializer_range", 0.02),
                r.getDouble("initializer_factor", 1.0),
                r.getInt("pad_token_id", 1),
                r.getInt("bos_token_id", 49406),
                r.getInt("eos_token_id", 49407));
        r.requireDivisible("hidden_size", c.hiddenSize, "num_attention_heads", c.numAttentionHeads);
        return c;
    }

    public int headDim() { return hiddenSize / numAttentionHeads; }

    @Override public String modelType() { return MODEL_TYPE; }

    @Override public String architecture() { return "CLIPTextModel"; }

    @Override public ObjectNode toJson() {
        ObjectNode n = ConfigReader.MAPPER.createObjectNode();
        n.put("model_type", MODEL_TYPE);
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("projection_dim", projectionDim);
        n.put("num_hidden_layers", numHiddenLayers);
        n.put("num_attention_heads", numAttentionHeads);
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("hidden_act", hiddenAct);
        n.put("layer_norm_eps", layerNormEps);
        n.put("attention_dropout", attentionDropout);
        n.put("initializer_range", initializerRange);
        n.put("initializer_factor", initializerFactor);
        n.put("pad_token_id", padTokenId);
        n.put("bos_token_id", bosTokenId);
        n.put("eos_token_id", eosTokenId);
        return n;
    }
}

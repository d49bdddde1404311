package org.efuf4j.models.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LLaMA-family decoder: {@code LlamaConfig} (model_type {@code llama}) or {@code Qwen2Config}
 * (model_type {@code qwen2}, also Qwen1.5). The two share the architecture; Qwen2 differs in its
 * defaults and in always having q/k/v projection biases (never an o_proj bias).
 *
 * @param numKeyValueHeads grouped-query attention: query head h reads key/value head
 *                         {@code h / (numAttentionHeads / numKeyValueHeads)}
 * @param ropeScaling      {@code rope_scaling} as written (e.g. Llama 3's {@code rope_type: llama3}), or null
 * @param eosTokenIds      one id, several (Llama 3) or none
 * @param slidingWindow    Qwen2 only (null for llama); only used when {@code useSlidingWindow}
 */
public record LlamaConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        String hiddenAct,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        Map<String, Object> ropeScaling,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        double attentionDropout,
        double initializerRange,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer padTokenId,
        boolean useSlidingWindow,
        Integer slidingWindow,
        int maxWindowLayers) implements ModelConfig {

    public static final String LLAMA = "llama";
    public static final String QWEN2 = "qwen2";

    public LlamaConfig {
        if (!LLAMA.equals(modelType) && !QWEN2.equals(modelType)) {
            throw new IllegalArgumentException("model_type must be llama or qwen2, got " + modelType);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        // rope_scaling values may be null, which Map.copyOf refuses.
        ropeScaling = ropeScaling == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(ropeScaling));
    }

    /** {@code LlamaConfig()}: the LLaMA-7B shape. */
    public static LlamaConfig llamaDefaults() { return parse(ConfigReader.empty("<defaults>", ""), LLAMA); }

    /** {@code Qwen2Config()}: the Qwen-7B shape. */
    public static LlamaConfig qwen2Defaults() { return parse(ConfigReader.empty("<defaults>", ""), QWEN2); }

    static LlamaConfig parse(ConfigReader r, String modelType) {
        boolean qwen = QWEN2.equals(modelType);
        int hidden = r.getPositiveInt("hidden_size", 4096);
        int heads = r.getPositiveInt("num_attention_heads", 32);
        // LlamaConfig: absent or None -> num_attention_heads. Qwen2Config: the signature default is 32,
        // only an explicit None falls back to num_attention_heads.
        Integer kv = r.getNullableInt("num_key_value_heads", qwen ? 32 : null);
        int kvHeads = r.positive("num_key_value_heads", kv == null ? heads : kv);
        if (heads % kvHeads != 0) {
            throw r.error("num_attention_heads", "(" + heads + ") must be a multiple of "
                    + r.path("num_key_value_heads") + " (" + kvHeads + ")");
        }
        // Qwen2 (transformers 4.45) has no head_dim field; LLaMA reads it and falls back to hidden / heads.
        Integer explicitHeadDim = qwen ? null : r.getNullableInt("head_dim", null);
        if (explicitHeadDim == null) r.requireDivisible("hidden_size", hidden, "num_attention_heads", heads);
        int headDim = explicitHeadDim == null ? hidden / heads : r.positive("head_dim", explicitHeadDim);
        if (headDim % 2 != 0) throw r.error("head_dim", "must be even for rotary embeddings, got " + headDim);
        return new LlamaConfig(
                modelType,
                r.getPositiveInt("vocab_size", qwen ? 151936 : 32000),
                hidden,
                r.getPositiveInt("intermediate_size", qwen ? 22016 : 11008),
                r.getPositiveInt("num_hidden_layers", 32),
                heads,
                kvHeads,
                headDim,
                r.getString("hidden_act", "silu"),
                r.getPositiveInt("max_position_embeddings", qwen ? 32768 : 2048),
                r.getPositiveDouble("rms_norm_eps", 1e-6),
                r.getPositiveDouble("rope_theta", 10000.0),
                r.getObjectMap("rope_scaling"),
                r.getBoolean("tie_word_embeddings", false),
                !qwen && r.getBoolean("attention_bias", false),
                !qwen && r.getBoolean("mlp_bias", false),
                r.getDouble("attention_dropout", 0.0),
                r.getDouble("initializer_range", 0.02),
                r.getNullableInt("bos_token_id", qwen ? null : 1),
                r.getIntList("eos_token_id", qwen ? List.of() : List.of(2)),
                r.getNullableInt("pad_token_id", null),
                qwen && r.getBoolean("use_sliding_window", false),
                qwen ? r.getNullableInt("sliding_window", 4096) : null,
                qwen ? r.getInt("max_window_layers", 28) : 0);
    }

    public boolean isQwen2() { return QWEN2.equals(modelType); }

    /** Whether q_proj, k_proj and v_proj have a bias: always for Qwen2, {@code attention_bias} for LLaMA. */
    public boolean qkvBias() { return isQwen2() || attentionBias; }

    /** Whether o_proj has a bias: never for Qwen2, {@code attention_bias} for LLaMA. */
    public boolean outputProjectionBias() { return !isQwen2() && attentionBias; }

    /** Query heads sharing one key/value head. */
    public int queriesPerKeyValueHead() { return numAttentionHeads / numKeyValueHeads; }

    @Override public String architecture() { return isQwen2() ? "Qwen2ForCausalLM" : "LlamaForCausalLM"; }

    @Override public ObjectNode toJson() {
        ObjectNode n = ConfigReader.MAPPER.createObjectNode();
        n.put("model_type", modelType);
        n.put("vocab_size", vocabSize);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numHiddenLayers);
        n.put("num_attention_heads", numAttentionHeads);
        n.put("num_key_value_heads", numKeyValueHeads);
        if (!isQwen2()) n.put("head_dim", headDim);
        n.put("hidden_act", hiddenAct);
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("rms_norm_eps", rmsNormEps);
        n.put("rope_theta", ropeTheta);
        n.set("rope_scaling", ConfigReader.MAPPER.valueToTree(ropeScaling));
        n.put("tie_word_embeddings", tieWordEmbeddings);
        if (!isQwen2()) {
            n.put("attention_bias", attentionBias);
            n.put("mlp_bias", mlpBias);
        }
        n.put("attention_dropout", attentionDropout);
        n.put("initializer_range", initializerRange);
        n.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) {
            n.put("eos_token_id", eosTokenIds.getFirst());
        } else if (eosTokenIds.isEmpty()) {
            n.putNull("eos_token_id");
        } else {
            ArrayNode ids = n.putArray("eos_token_id");
            eosTokenIds.forEach(ids::add);
        }
        n.put("pad_token_id", padTokenId);
        if (isQwen2()) {
            n.put("use_sliding_window", useSlidingWindow);
            n.put("sliding_window", slidingWindow);
            n.put("max_window_layers", maxWindowLayers);
        }
        return n;
    }
}

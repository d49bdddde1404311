package org.efuf4j.models.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.tensor.io.JsonFiles;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to one JSON object of a config file. Every error names the file and the dotted field
 * path ({@code text_config.hidden_size}), the expected type and the value found.
 *
 * <p>Public for the other Hugging Face JSON files read next to {@code config.json}
 * ({@code preprocessor_config.json}).
 *
 * <p>Absent fields take the Hugging Face default passed by the caller. An explicit {@code null} is only
 * accepted by the nullable getters, because Hugging Face would carry the {@code None} into the model
 * and fail there.
 */
public final class ConfigReader {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Sizes the weights depend on; when one is absent and the weights disagree, the error names it. */
    private static final java.util.Set<String> SIZE_FIELDS = java.util.Set.of("hidden_size", "intermediate_size",
            "num_attention_heads", "num_key_value_heads", "head_dim", "num_hidden_layers", "vocab_size", "image_size",
            "patch_size", "projection_dim", "max_position_embeddings", "num_channels");

    private final ObjectNode node;
    private final String source;
    private final String prefix;
    /** Absent size fields and the default each took, by dotted path; shared by a file's nested readers. */
    private final Map<String, Object> defaultedSizes;

    private ConfigReader(ObjectNode node, String source, String prefix, Map<String, Object> defaultedSizes) {
        this.node = node;
        this.source = source;
        this.prefix = prefix;
        this.defaultedSizes = defaultedSizes;
    }

    public static ConfigReader parse(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + JsonFiles.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a JSON object at the top level, got "
                    + (root == null ? "an empty file" : root.getNodeType().toString().toLowerCase()));
        }
        return new ConfigReader((ObjectNode) root, source, "", new LinkedHashMap<>());
    }

    public String source() { return source; }

    public String path(String field) { return prefix + field; }

    public boolean has(String field) { return node.has(field); }

    public boolean isPresentNonNull(String field) { return node.hasNonNull(field); }

    public ConfigException error(String field, String message) {
        return new ConfigException(source + ": field '" + path(field) + "' " + message);
    }

    private ConfigException typeError(String field, String expected, JsonNode value) {
        return error(field, "must be " + expected + ", got " + value);
    }

    private JsonNode required(String field, String expected) {
        JsonNode v = node.get(field);
        if (v.isNull()) throw error(field, "must be " + expected + ", got null");
        return v;
    }

    public int getInt(String field, int defaultValue) {
        if (!node.has(field)) return defaulted(field, defaultValue);
        return asInt(field, required(field, "an integer"));
    }

    /** Absent: the default; explicit null: null. */
    public Integer getNullableInt(String field, Integer defaultValue) {
        if (!node.has(field)) return defaulted(field, defaultValue);
        JsonNode v = node.get(field);
        return v.isNull() ? null : asInt(field, v);
    }

    private <T> T defaulted(String field, T value) {
        if (SIZE_FIELDS.contains(field)) defaultedSizes.put(path(field), value);
        return value;
    }

    /** The size fields this file left out, with the default each took (dotted paths, in reading order). */
    public Map<String, Object> defaultedSizes() { return Collections.unmodifiableMap(defaultedSizes); }

    private int asInt(String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw typeError(field, "an integer", v);
        return v.intValue();
    }

    public double getDouble(String field, double defaultValue) {
        if (!node.has(field)) return defaultValue;
        JsonNode v = required(field, "a number");
        if (!v.isNumber()) throw typeError(field, "a number", v);
        return v.doubleValue();
    }

    public boolean getBoolean(String field, boolean defaultValue) {
        if (!node.has(field)) return defaultValue;
        JsonNode v = required(field, "true or false");
        if (!v.isBoolean()) throw typeError(field, "true or false", v);
        return v.booleanValue();
    }

    public String getString(String field, String defaultValue) {
        if (!node.has(field)) return defaultValue;
        JsonNode v = required(field, "a string");
        if (!v.isTextual()) throw typeError(field, "a string", v);
        return v.textValue();
    }

    /** A string or absent/null; used where Hugging Face keeps {@code None}. */
    public String getNullableString(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw typeError(field, "a string", v);
        return v.textValue();
    }

    /** Whether the field holds a JSON object (HF sizes come as {@code 224} or {@code {"shortest_edge": 224}}). */
    public boolean isObject(String field) {
        JsonNode v = node.get(field);
        return v != null && v.isObject();
    }

    /** A list of numbers of the given length, such as {@code image_mean}. */
    public double[] getDoubles(String field, int length, double[] defaultValue) {
        if (!node.has(field)) return defaultValue.clone();
        JsonNode v = required(field, "a list of " + length + " numbers");
        if (!v.isArray() || v.size() != length) throw typeError(field, "a list of " + length + " numbers", v);
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            if (!v.get(i).isNumber()) throw typeError(field, "a list of " + length + " numbers", v);
            out[i] = v.get(i).doubleValue();
        }
        return out;
    }

    /** {@code eos_token_id} may be one id or a list of ids (Llama 3); absent or null gives the default. */
    List<Integer> getIntList(String field, List<Integer> defaultValue) {
        if (!node.has(field)) return defaultValue;
        JsonNode v = node.get(field);
        if (v.isNull()) return List.of();
        if (v.isIntegralNumber()) return List.of(asInt(field, v));
        if (!v.isArray()) throw typeError(field, "an integer or a list of integers", v);
        List<Integer> ids = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) throw typeError(field, "an integer or a list of integers", v);
            ids.add(e.intValue());
        }
        return List.copyOf(ids);
    }

    List<String> getStringList(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw typeError(field, "a list of strings", v);
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) throw typeError(field, "a list of strings", v);
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    /** A free-form object such as {@code rope_scaling}, as an unmodifiable map; absent or null gives null. */
    Map<String, Object> getObjectMap(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw typeError(field, "an object", v);
        Map<String, Object> map = MAPPER.convertValue(v, MAPPER.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
        return Collections.unmodifiableMap(map);
    }

    /** The nested config object, or null when absent or null. */
    public ConfigReader child(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw typeError(field, "an object", v);
        return new ConfigReader((ObjectNode) v, source, path(field) + ".", defaultedSizes);
    }

    /** Merges the fields of {@code overrides} over this object's fields (legacy {@code *_config_dict}). */
    ConfigReader overriddenBy(ConfigReader overrides) {
        if (overrides == null) return this;
        ObjectNode merged = node.deepCopy();
        merged.setAll(overrides.node);
        return new ConfigReader(merged, source, prefix, defaultedSizes);
    }

    static ConfigReader empty(String source, String prefix) {
        return new ConfigReader(MAPPER.createObjectNode(), source, prefix, new LinkedHashMap<>());
    }

    int positive(String field, int value) {
        if (value <= 0) throw error(field, "must be positive, got " + value);
        return value;
    }

    double positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) throw error(field, "must be a positive finite number, got " + value);
        return value;
    }

    public int getPositiveInt(String field, int defaultValue) { return positive(field, getInt(field, defaultValue)); }

    public double getPositiveDouble(String field, double defaultValue) { return positive(field, getDouble(field, defaultValue)); }

    /** {@code hidden} must split evenly into {@code heads} heads. */
    void requireDivisible(String hiddenField, int hidden, String headsField, int heads) {
        if (hidden % heads != 0) {
            throw error(hiddenField, "(" + hidden + ") must be divisible by " + path(headsField) + " (" + heads + ")");
        }
    }
}

package org.efuf4j.models.config;

import org.efuf4j.tensor.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads and writes Hugging Face {@code config.json} files. */
public final class ModelConfigs {
    public static final String FILE_NAME = "config.json";
    /** The transformers release whose defaults these configs reproduce; written into saved configs. */
    public static final String TRANSFORMERS_VERSION = "4.45.1";

    /** Which model_type each supported Hugging Face class name stands for, for configs without a model_type. */
    private static final Map<String, String> MODEL_TYPE_OF_ARCHITECTURE = Map.ofEntries(
            Map.entry("CLIPModel", ClipConfig.MODEL_TYPE),
            Map.entry("CLIPTextModel", ClipTextConfig.MODEL_TYPE),
            Map.entry("CLIPTextModelWithProjection", ClipTextConfig.MODEL_TYPE),
            Map.entry("CLIPVisionModel", ClipVisionConfig.MODEL_TYPE),
            Map.entry("CLIPVisionModelWithProjection", ClipVisionConfig.MODEL_TYPE),
            Map.entry("SiglipVisionModel", SiglipVisionConfig.MODEL_TYPE),
            Map.entry("LlamaForCausalLM", LlamaConfig.LLAMA),
            Map.entry("LlamaModel", LlamaConfig.LLAMA),
            Map.entry("Qwen2ForCausalLM", LlamaConfig.QWEN2),
            Map.entry("Qwen2Model", LlamaConfig.QWEN2),
            Map.entry("LlavaForConditionalGeneration", LlavaConfig.MODEL_TYPE));

    private ModelConfigs() {}

    /** Parses {@code dir/config.json}. */
    public static ModelConfig load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (a Hugging Face model directory holds a " + FILE_NAME + ")", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(json, file.toString());
    }

    /**
     * The size fields {@code dir/config.json} leaves out, each with the transformers default it takes, e.g.
     * {@code text_config.hidden_size=4096}; empty when the file names every size or cannot be read.
     */
    public static Map<String, Object> defaultedSizes(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            ConfigReader r = ConfigReader.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
            parse(r);
            return r.defaultedSizes();
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** Parses and checks that the config is of the expected kind, e.g. {@code load(dir, ClipConfig.class)}. */
    public static <C extends ModelConfig> C load(Path dir, Class<C> kind) {
        ModelConfig config = load(dir);
        if (!kind.isInstance(config)) {
            throw new ConfigException(dir.resolve(FILE_NAME) + ": expected a " + kind.getSimpleName() + ", found model_type \""
                    + config.modelType() + "\" (" + config.getClass().getSimpleName() + ")");
        }
        return kind.cast(config);
    }

    /** Parses config JSON; {@code source} names it in error messages. */
    public static ModelConfig parse(String json, String source) {
        return parse(ConfigReader.parse(json, source));
    }

    private static ModelConfig parse(ConfigReader r) {
        String source = r.source();
        String modelType = r.getNullableString("model_type");
        List<String> architectures = r.getStringList("architectures");
        String kind = modelType != null ? modelType : fromArchitectures(architectures);
        return switch (kind == null ? "" : kind) {
            case ClipConfig.MODEL_TYPE -> ClipConfig.parse(r);
            case ClipTextConfig.MODEL_TYPE -> ClipTextConfig.parse(r);
            case ClipVisionConfig.MODEL_TYPE -> ClipVisionConfig.parse(r);
            case SiglipVisionConfig.MODEL_TYPE -> SiglipVisionConfig.parse(r);
            case LlamaConfig.LLAMA, LlamaConfig.QWEN2 -> LlamaConfig.parse(r, kind);
            case LlavaConfig.MODEL_TYPE -> LlavaConfig.parse(r);
            default -> throw new ConfigException(source + ": unsupported model: model_type "
                    + (modelType == null ? "absent" : "\"" + modelType + "\"") + ", architectures " + architectures
                    + "; supported model types: clip, clip_text_model, clip_vision_model, siglip_vision_model, llama, qwen2, llava");
        };
    }

    private static String fromArchitectures(List<String> architectures) {
        for (String a : architectures) {
            String type = MODEL_TYPE_OF_ARCHITECTURE.get(a);
            if (type != null) return type;
        }
        return null;
    }

    /** The config as Hugging Face's {@code from_pretrained} reads it: model_type, architectures, every field. */
    public static String toJson(ModelConfig config) {
        return toJson(config, null);
    }

    /** With {@code torch_dtype} naming the stored weights' type ("bfloat16"), as transformers' save_pretrained writes it; null: none. */
    public static String toJson(ModelConfig config, String torchDtype) {
        ObjectNode root = ConfigReader.MAPPER.createObjectNode();
        root.putArray("architectures").add(config.architecture());
        root.setAll(config.toJson());
        if (torchDtype != null) root.put("torch_dtype", torchDtype);
        root.put("transformers_version", TRANSFORMERS_VERSION);
        try {
            return ConfigReader.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + config, e);
        }
    }

    /** Writes {@code dir/config.json}, through a temporary file renamed into place so no half-written file remains. */
    public static Path save(ModelConfig config, Path dir) {
        return save(config, dir, null);
    }

    /** As {@link #save(ModelConfig, Path)}, naming the weights' {@code torch_dtype} (null: none). */
    public static Path save(ModelConfig config, Path dir, String torchDtype) {
        Path file = dir.resolve(FILE_NAME);
        AtomicFiles.writeString(file, toJson(config, torchDtype));
        return file;
    }
}

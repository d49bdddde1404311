package org.efuf4j.models.pretrained;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.efuf4j.autograd.nn.Init;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.nn.StateDictException;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.config.ModelConfig;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.config.VisionTowerConfig;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.vision.VisionTowerModel;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsCheckpoint;
import org.efuf4j.tensor.safetensors.SafetensorsWriter;

/**
 * Hugging Face model directories: {@code config.json} plus {@code model.safetensors} or a sharded index.
 * Loaded weights stay in their stored dtype and stay memory-mapped (the model is frozen and in eval mode);
 * {@link #makeTrainable} turns chosen sub-modules into F32 trainable copies.
 */
public final class PretrainedModels {
    public static final String WEIGHTS_FILE = SafetensorsCheckpoint.SINGLE_FILE_NAME;

    private PretrainedModels() {}

    /** A freshly initialised model of the config's kind (CLIPModel, CLIP/SigLIP vision model, LLaMA/Qwen2, LLaVA). */
    public static Module create(ModelConfig config, Random init) {
        return switch (config) {
            case ClipConfig c -> new ClipModel(c, init);
            case VisionTowerConfig v -> new VisionTowerModel(v, init);
            case LlamaConfig l -> new LlamaForCausalLM(l, init);
            case LlavaConfig l -> new LlavaForConditionalGeneration(l, init);
            default -> throw new IllegalArgumentException("no model for config " + config.modelType() + " (" + config.architecture()
                    + "); supported: clip, clip_vision_model, siglip_vision_model, llama, qwen2, llava");
        };
    }

    /** The class {@link #create} builds for {@code config}. */
    public static Class<? extends Module> modelClass(ModelConfig config) {
        return switch (config) {
            case ClipConfig c -> ClipModel.class;
            case VisionTowerConfig v -> VisionTowerModel.class;
            case LlamaConfig l -> LlamaForCausalLM.class;
            case LlavaConfig l -> LlavaForConditionalGeneration.class;
            default -> throw new IllegalArgumentException("no model for config " + config.modelType() + " (" + config.architecture()
                    + "); supported: clip, clip_vision_model, siglip_vision_model, llama, qwen2, llava");
        };
    }

    /** Loads {@code dir} with its own weights on the CPU. */
    public static Module load(Path dir) { return load(dir, null, Device.CPU); }

    /**
     * @param weights a safetensors file or shard index overriding the directory's weights, or null
     * @param device  where the weights go (mapped host weights stay mapped on the CPU)
     */
    public static Module load(Path dir, Path weights, Device device) { return load(ModelConfigs.load(dir), dir, weights, device); }

    /** Loads and checks the kind, e.g. {@code load(dir, null, Device.CPU, ClipModel.class)}. */
    public static <M extends Module> M load(Path dir, Path weights, Device device, Class<M> kind) {
        ModelConfig config = ModelConfigs.load(dir);
        if (!kind.isAssignableFrom(modelClass(config)))
            throw new IllegalArgumentException(dir + " holds a " + config.architecture() + " (model_type \"" + config.modelType()
                    + "\"), not a " + kind.getSimpleName());
        return kind.cast(load(config, dir, weights, device));
    }

    private static Module load(ModelConfig config, Path dir, Path weights, Device device) {
        if (weights != null && !Files.exists(weights)) throw new IllegalArgumentException("weights file " + weights + ": no such file");
        SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(weights != null ? weights : dir);
        Module model;
        // Placeholders, not random numbers: every weight is replaced by its mapped checkpoint tensor below.
        try (AutoCloseable placeholders = Init.placeholders()) {
            model = create(config, new Random(0));
        } catch (IllegalArgumentException e) {
            throw withDefaultedSizes(dir, dir.resolve(ModelConfigs.FILE_NAME) + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        model.freeze();
        model.eval();
        if (!device.isCpu()) model.to(device);
        try {
            model.loadStateDict(moduleState(checkpoint.tensors(), config), true, checkpoint.source().toString());
        } catch (StateDictException e) {
            throw withDefaultedSizes(dir, e.getMessage(), e);
        }
        return model;
    }

    /**
     * A config that leaves out a size takes transformers' default (LLaMA-7B's 4096 for hidden_size), as transformers
     * does; when the model then does not fit, the likely cause is the absent field, so the error names it.
     */
    private static RuntimeException withDefaultedSizes(Path dir, String message, RuntimeException cause) {
        Map<String, Object> defaulted = ModelConfigs.defaultedSizes(dir);
        if (defaulted.isEmpty()) return cause instanceof StateDictException ? cause : new IllegalArgumentException(message, cause);
        StringBuilder fields = new StringBuilder();
        defaulted.forEach((field, value) -> fields.append(fields.isEmpty() ? "" : ", ").append(field).append(" (default ").append(value).append(')'));
        return new IllegalArgumentException(message + ". " + dir.resolve(ModelConfigs.FILE_NAME) + " has no " + fields
                + ", so transformers' default" + (defaulted.size() == 1 ? " was" : "s were")
                + " taken; add the field" + (defaulted.size() == 1 ? "" : "s") + " with the checkpoint's values", cause);
    }

    /** The checkpoint's tensors under module keys; skipped tensors dropped, two names for one key reported. */
    static Map<String, Tensor> moduleState(Map<String, Tensor> checkpoint, ModelConfig config) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        checkpoint.forEach((key, t) -> {
            String k = CheckpointKeys.moduleKey(key, config);
            if (k == null) return;
            String other = from.put(k, key);
            if (other != null) throw new IllegalArgumentException("checkpoint holds both " + other + " and " + key + " for " + k);
            state.put(k, t);
        });
        return state;
    }

    /** The config of a model {@link #create} made (or loaded). */
    public static ModelConfig configOf(Module model) {
        return switch (model) {
            case ClipModel m -> m.config();
            case VisionTowerModel m -> m.config();
            case LlamaForCausalLM m -> m.config();
            case LlavaForConditionalGeneration m -> m.config();
            default -> throw new IllegalArgumentException("not a Hugging Face model: " + model.getClass().getSimpleName());
        };
    }

    /** Writes {@code dir/config.json} and {@code dir/model.safetensors} (metadata format=pt) that transformers loads. */
    public static void save(Module model, Path dir) {
        ModelConfigs.save(configOf(model), dir);
        Map<String, Tensor> host = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> host.put(k, t.toHost()));
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), host, Map.of("format", "pt"));
    }

    /**
     * As {@link #save(Module, Path)} with every floating-point weight stored as {@code dtype} (BF16 or F16 halve the
     * files; rounding to nearest even), and config.json naming it as {@code torch_dtype}, as save_pretrained does.
     */
    public static void save(Module model, Path dir, DType dtype) {
        if (dtype != DType.BF16 && dtype != DType.F16 && dtype != DType.F32)
            throw new IllegalArgumentException("weights are stored as F32, BF16 or F16, not " + dtype);
        ModelConfigs.save(configOf(model), dir, switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        });
        Map<String, Tensor> host = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> {
            Tensor h = t.toHost();
            host.put(k, h.dtype().isFloating() && h.dtype() != dtype ? h.backend().cast(h, dtype) : h);
        });
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), host, Map.of("format", "pt"));
    }

    /** Unfreezes {@code part} with writable F32 copies of its weights on their device (mapped half weights cannot train). */
    public static void makeTrainable(Module part) {
        for (Parameter p : part.parameters()) {
            Tensor v = p.value();
            p.setValue(v.backend().cast(v, DType.F32));
            p.setRequiresGrad(true);
        }
        part.train(true);
    }
}

package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.nn.StateDictException;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.llava.LlavaOutput;
import org.efuf4j.models.pretrained.HfOutputs;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.HostStorage;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.efuf4j.tensor.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and saving Hugging Face model directories: layouts, shards, legacy buffers, errors, freezing. */
class PretrainedLoadingTest {
    @TempDir Path tmp;

    static Map<String, Tensor> tensors(Path file) { return SafetensorsFile.open(file).tensors(); }

    /** A model directory with {@code dir}'s config and the given weights. */
    Path directory(String name, Path configFrom, Map<String, Tensor> weights) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.copy(configFrom.resolve("config.json"), d.resolve("config.json"));
        SafetensorsWriter.write(d.resolve("model.safetensors"), weights, Map.of("format", "pt"));
        return d;
    }

    static Map<String, Tensor> outputs(Module m, Path bundle) { return HfOutputs.forward(m, tensors(bundle.resolve("inputs.safetensors"))); }

    @Test
    void newerLlavaLayoutLoadsToTheSameModel() throws Exception {
        Path bundle = HfForwardCommandTest.shared("llava");
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        tensors(bundle.resolve("model.safetensors")).forEach((k, t) -> renamed.put(
                k.startsWith("language_model.model.") ? "model.language_model." + k.substring("language_model.model.".length())
                        : k.equals("language_model.lm_head.weight") ? "lm_head.weight"
                        : "model." + k, t));
        assertTrue(renamed.containsKey("model.vision_tower.vision_model.post_layernorm.weight"));
        Module m = PretrainedModels.load(directory("llava-new", bundle, renamed), null, Device.CPU);
        Parity.assertClose(tensors(bundle.resolve("outputs.safetensors")), outputs(m, bundle), 1e-4, "llava newer layout");
    }

    /** CLIPVisionModel on its own: the clip bundle's vision weights and config give its vision_model_output. */
    @Test
    void clipVisionTowerAlone() throws Exception {
        Path bundle = HfForwardCommandTest.shared("clip");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bundle.resolve("config.json").toFile());
        var vision = (com.fasterxml.jackson.databind.node.ObjectNode) json.get("vision_config");
        vision.put("model_type", "clip_vision_model");
        Path d = Files.createDirectories(tmp.resolve("clip-vision"));
        Files.writeString(d.resolve("config.json"), vision.toString());
        Map<String, Tensor> weights = new LinkedHashMap<>();
        tensors(bundle.resolve("model.safetensors")).forEach((k, t) -> { if (k.startsWith("vision_model.")) weights.put(k, t); });
        SafetensorsWriter.write(d.resolve("model.safetensors"), weights);
        Map<String, Tensor> expected = new LinkedHashMap<>();
        tensors(bundle.resolve("outputs.safetensors")).forEach((k, t) -> {
            if (k.startsWith("vision_model_output.")) expected.put(k.substring("vision_model_output.".length()), t);
        });
        assertEquals(5, expected.size());
        Module tower = PretrainedModels.load(d);
        assertTrue(tower instanceof org.efuf4j.models.vision.VisionTowerModel);
        Parity.assertClose(expected, outputs(tower, bundle), 1e-4, "CLIPVisionModel");
    }

    @Test
    void shardedCheckpointWithLegacyBuffersLoadsMapped() throws Exception {
        Path bundle = HfForwardCommandTest.shared("llama");
        Map<String, Tensor> weights = new LinkedHashMap<>(tensors(bundle.resolve("model.bf16.safetensors")));
        weights.put("model.layers.0.self_attn.rotary_emb.inv_freq", Tensor.of(new float[8], 8));
        Path d = Files.createDirectories(tmp.resolve("sharded"));
        Files.copy(bundle.resolve("config.json"), d.resolve("config.json"));
        List<Path> shards = SafetensorsWriter.writeSharded(d, weights, Map.of("format", "pt"), 40_000);
        assertTrue(shards.size() > 2, "expected several shards, got " + shards);
        Module m = PretrainedModels.load(d);
        for (var e : m.namedParameters().entrySet())
            assertTrue(((HostStorage) e.getValue().value().storage()).segment().isMapped(), e.getKey() + " was copied");
        Parity.assertClose(tensors(bundle.resolve("outputs_bf16w.safetensors")), outputs(m, bundle), 1e-4, "sharded bf16");
    }

    /**
     * F16 weights stay F16 and mapped, widened inside the kernels: the outputs equal those of the same values stored as
     * F32 (widening is exact, so only summation order differs: 1e-5 relative).
     */
    @Test
    void f16WeightsComputeAsTheirF32Widening() throws Exception {
        Path bundle = HfForwardCommandTest.shared("llava");
        Map<String, Tensor> half = new LinkedHashMap<>(), widened = new LinkedHashMap<>();
        tensors(bundle.resolve("model.safetensors")).forEach((k, t) -> {
            Tensor h = t.backend().cast(t, org.efuf4j.tensor.DType.F16);
            half.put(k, h);
            widened.put(k, h.backend().cast(h, org.efuf4j.tensor.DType.F32));
        });
        Module f16 = PretrainedModels.load(directory("llava-f16", bundle, half));
        for (var e : f16.namedParameters().entrySet()) {
            assertEquals(org.efuf4j.tensor.DType.F16, e.getValue().value().dtype(), e.getKey());
            assertTrue(((HostStorage) e.getValue().value().storage()).segment().isMapped(), e.getKey());
        }
        Module f32 = PretrainedModels.load(directory("llava-f16-widened", bundle, widened));
        Parity.assertClose(outputs(f32, bundle), outputs(f16, bundle), 1e-5, "f16 vs widened f32");
    }

    @Test
    void missingUnexpectedAndMisShapedAreReportedTogether() throws Exception {
        Path bundle = HfForwardCommandTest.shared("llama");
        Map<String, Tensor> weights = new LinkedHashMap<>(tensors(bundle.resolve("model.safetensors")));
        weights.remove("model.layers.1.mlp.up_proj.weight");
        weights.put("model.layers.7.extra.weight", Tensor.of(new float[4], 4));
        weights.put("model.norm.weight", Tensor.of(new float[63], 63));
        Path d = directory("broken", bundle, weights);
        StateDictException e = assertThrows(StateDictException.class, () -> PretrainedModels.load(d));
        assertEquals(List.of("model.layers.1.mlp.up_proj.weight"), e.missing());
        assertEquals(List.of("model.layers.7.extra.weight"), e.unexpected());
        assertEquals(1, e.misShaped().size());
        assertTrue(e.misShaped().get(0).contains("model.norm.weight") && e.misShaped().get(0).contains("[64]") && e.misShaped().get(0).contains("[63]"), e.getMessage());
        assertTrue(e.getMessage().contains(d.resolve("model.safetensors").toString()), e.getMessage());
    }

    @Test
    void wrongKindAndMissingFilesAreClear() {
        Path llama = HfForwardCommandTest.shared("llama");
        var e = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.load(llama, null, Device.CPU, ClipModel.class));
        assertTrue(e.getMessage().contains("LlamaForCausalLM") && e.getMessage().contains("ClipModel"), e.getMessage());
        var w = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.load(llama, tmp.resolve("none.safetensors"), Device.CPU));
        assertTrue(w.getMessage().contains("none.safetensors"), w.getMessage());
    }

    /** Saved directories reload to the same outputs, with the HF key set (tied lm_head absent) and format=pt metadata. */
    @Test
    void saveWritesALoadableHuggingFaceDirectory() {
        for (Path bundle : List.of(HfForwardCommandTest.shared("clip"), HfForwardCommandTest.shared("llava"), HfForwardCommandTest.extra("qwen2"))) {
            Module m = PretrainedModels.load(bundle);
            Path out = tmp.resolve("saved-" + bundle.getFileName());
            PretrainedModels.save(m, out);
            SafetensorsFile saved = SafetensorsFile.open(out.resolve("model.safetensors"));
            assertEquals("pt", saved.metadata().get("format"));
            assertEquals(new java.util.TreeSet<>(tensors(bundle.resolve("model.safetensors")).keySet()), new java.util.TreeSet<>(saved.names()), bundle.toString());
            assertEquals(ModelConfigs.load(bundle), ModelConfigs.load(out));
            Map<String, Tensor> before = outputs(m, bundle), after = outputs(PretrainedModels.load(out), bundle);
            // bit-exact: in the deterministic default the kernels give the same bits in every compiler tier
            Parity.assertClose(before, after, 0.0, "reloaded " + bundle.getFileName());
        }
    }

    /** Any sub-module can be unfrozen: gradients reach exactly its parameters, the frozen rest stays mapped. */
    @Test
    void onlyTheUnfrozenPartTrains() {
        Path bundle = HfForwardCommandTest.shared("llava");
        LlavaForConditionalGeneration llava = PretrainedModels.load(bundle, null, Device.CPU, LlavaForConditionalGeneration.class);
        PretrainedModels.makeTrainable(llava.multiModalProjector);
        PretrainedModels.makeTrainable(llava.languageModel.model.layers.get(1).mlp);
        Map<String, Tensor> in = tensors(bundle.resolve("inputs.safetensors"));
        LlavaOutput o = llava.forward(in.get("input_ids"), in.get("attention_mask"), in.get("pixel_values"));
        Variable loss = o.logits().mul(o.logits()).mean();
        loss.backward();
        for (var e : llava.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            boolean trainable = e.getKey().startsWith("multi_modal_projector.") || e.getKey().startsWith("language_model.model.layers.1.mlp.");
            assertEquals(trainable, p.requiresGrad(), e.getKey());
            if (trainable) {
                assertNotNull(p.grad(), e.getKey());
                assertFalse(((HostStorage) p.value().storage()).segment().isMapped(), e.getKey());
            } else {
                assertNull(p.grad(), e.getKey());
                assertTrue(((HostStorage) p.value().storage()).segment().isMapped(), e.getKey());
            }
        }
    }
}

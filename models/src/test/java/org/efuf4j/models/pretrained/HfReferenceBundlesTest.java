package org.efuf4j.models.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.GenerationResult;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostStorage;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three Hugging Face reference bundles (transformers 4.45.1, F32): every output within
 * max|diff| <= 1e-4 * max|ref| (float32 reordering noise is ~1e-5 relative; 1e-3 relative would be a bug).
 */
class HfReferenceBundlesTest {
    static Path bundle(String name) { return Path.of(System.getProperty("efuf4j.shared", "../shared"), "fixtures/hf-reference", name); }

    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void f32WeightsMatchOutputs(String name) {
        Path dir = bundle(name);
        Module model = PretrainedModels.load(dir, null, Device.CPU);
        Map<String, Tensor> out = HfOutputs.forward(model, SafetensorsFile.open(dir.resolve("inputs.safetensors")).tensors());
        compareAll(SafetensorsFile.open(dir.resolve("outputs.safetensors")).tensors(), out, 1e-4, name);
    }

    /** Weights rounded to BF16 stay BF16 and mapped; compared with the reference computed from the same rounded weights. */
    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void bf16WeightsStayMappedAndMatchOutputs(String name) {
        Path dir = bundle(name);
        Module model = PretrainedModels.load(dir, dir.resolve("model.bf16.safetensors"), Device.CPU);
        for (var e : model.namedParameters().entrySet()) {
            Tensor v = e.getValue().value();
            assertEquals(DType.BF16, v.dtype(), e.getKey());
            assertTrue(((HostStorage) v.storage()).segment().isMapped(), e.getKey() + " was copied off the mapped file");
        }
        Map<String, Tensor> out = HfOutputs.forward(model, SafetensorsFile.open(dir.resolve("inputs.safetensors")).tensors());
        compareAll(SafetensorsFile.open(dir.resolve("outputs_bf16w.safetensors")).tensors(), out, 1e-4, name + " bf16");
    }

    /** Greedy tokens identical to HF's (smallest top-1/top-2 gap 3.4e-4), step logits within float32 noise; cache on and off. */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "llava"})
    void greedyGenerationMatchesAndCacheAgrees(String name) {
        Path dir = bundle(name);
        Module model = PretrainedModels.load(dir);
        Map<String, Tensor> gen = SafetensorsFile.open(dir.resolve("generate.safetensors")).tensors();
        Map<String, Tensor> inputs = new java.util.HashMap<>(SafetensorsFile.open(dir.resolve("inputs.safetensors")).tensors());
        inputs.put("input_ids", gen.get("prompt_ids"));
        inputs.remove("attention_mask"); // it belongs to the longer forward input_ids; the prompts are unpadded
        int steps = gen.get("step_logits").dim(1);
        Map<String, Tensor> out = HfOutputs.generate(model, inputs, steps);
        assertArrayEquals(gen.get("sequences").toLongArray(), out.get("sequences").toLongArray(), name + " sequences");
        compareAll(Map.of("step_logits", gen.get("step_logits")), out, 1e-4, name);

        var config = GenerationConfig.greedy(steps, java.util.Set.of());
        Tensor ids = gen.get("prompt_ids");
        GenerationResult cached, uncached;
        if (model instanceof LlavaForConditionalGeneration llava) {
            cached = Generator.generate(llava, ids, inputs.get("pixel_values"), config);
            uncached = Generator.generate(llava, ids, inputs.get("pixel_values"), config.withCache(false));
        } else {
            cached = Generator.generate((LlamaForCausalLM) model, ids, config);
            uncached = Generator.generate((LlamaForCausalLM) model, ids, config.withCache(false));
        }
        for (int b = 0; b < ids.dim(0); b++) {
            assertArrayEquals(cached.sequences().get(b), uncached.sequences().get(b));
            for (int s = 0; s < steps; s++) assertArrayEquals(uncached.stepLogits().get(b).get(s), cached.stepLogits().get(b).get(s), 1e-4f);
        }
    }

    static void compareAll(Map<String, Tensor> ref, Map<String, Tensor> out, double rel, String what) {
        assertTrue(out.keySet().containsAll(ref.keySet()), what + ": missing outputs, have " + out.keySet() + ", want " + ref.keySet());
        for (var e : ref.entrySet()) {
            Tensor actual = out.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), actual.shape(), what + " " + e.getKey());
            float[] r = e.getValue().toFloatArray(), a = actual.toFloatArray();
            double maxRef = 0, maxDiff = 0;
            for (int i = 0; i < r.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(r[i]));
                maxDiff = Math.max(maxDiff, Math.abs(r[i] - a[i]));
            }
            assertTrue(maxDiff <= rel * maxRef, what + " " + e.getKey() + ": max|diff| " + maxDiff + " > " + rel + " * max|ref| " + maxRef);
        }
    }
}

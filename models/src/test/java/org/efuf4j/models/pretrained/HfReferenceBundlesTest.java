package org.efuf4j.models.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.efuf4j.autograd.nn.Module;
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

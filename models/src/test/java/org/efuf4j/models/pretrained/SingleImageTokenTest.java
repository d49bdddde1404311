package org.efuf4j.models.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.efuf4j.autograd.nn.Module;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;

/**
 * A prompt with one {@code <image>} per image (what users and the processor-less transformers path write) gives the
 * same outputs as the reference's fully expanded ids: transformers widens it to the feature count.
 */
class SingleImageTokenTest {
    /** The reference ids with each run of image placeholders collapsed to one. */
    static Tensor collapse(Tensor ids, long imageId) {
        int batch = ids.dim(0), length = ids.dim(1);
        long[][] rows = new long[batch][];
        int width = -1;
        for (int b = 0; b < batch; b++) {
            java.util.List<Long> kept = new java.util.ArrayList<>();
            for (int t = 0; t < length; t++) {
                long id = ids.getLong(b, t);
                if (id == imageId && t > 0 && ids.getLong(b, t - 1) == imageId) continue;
                kept.add(id);
            }
            rows[b] = kept.stream().mapToLong(Long::longValue).toArray();
            width = rows[b].length;
        }
        long[] flat = new long[batch * width];
        for (int b = 0; b < batch; b++) System.arraycopy(rows[b], 0, flat, b * width, width);
        return Tensor.ofLongs(flat, batch, width);
    }

    @Test
    void oneImageTokenIsExpandedAsTransformersDoes() {
        var dir = HfReferenceBundlesTest.bundle("llava");
        Module model = PretrainedModels.load(dir);
        Map<String, Tensor> inputs = new HashMap<>(SafetensorsFile.open(dir.resolve("inputs.safetensors")).tensors());
        Tensor full = inputs.get("input_ids");
        Tensor collapsed = collapse(full, 999);
        assertTrue(collapsed.dim(1) == full.dim(1) - 15, "16 placeholders became one");
        inputs.put("input_ids", collapsed);
        long[] ones = new long[collapsed.dim(0) * collapsed.dim(1)];
        java.util.Arrays.fill(ones, 1L);
        inputs.put("attention_mask", Tensor.ofLongs(ones, collapsed.dim(0), collapsed.dim(1)));
        Map<String, Tensor> out = HfOutputs.forward(model, inputs);
        HfReferenceBundlesTest.compareAll(SafetensorsFile.open(dir.resolve("outputs.safetensors")).tensors(), out, 1e-4, "one <image>");

        // Generation: the returned sequences start with the prompt as given, as transformers' generate returns it.
        Map<String, Tensor> gen = SafetensorsFile.open(dir.resolve("generate.safetensors")).tensors();
        Tensor prompt = collapse(gen.get("prompt_ids"), 999);
        inputs.put("input_ids", prompt);
        inputs.remove("attention_mask");
        int steps = gen.get("step_logits").dim(1);
        Map<String, Tensor> generated = HfOutputs.generate(model, inputs, steps);
        long[] reference = gen.get("sequences").toLongArray(), mine = generated.get("sequences").toLongArray();
        int refWidth = gen.get("sequences").dim(1), width = generated.get("sequences").dim(1);
        for (int b = 0; b < prompt.dim(0); b++)
            assertArrayEquals(java.util.Arrays.copyOfRange(reference, b * refWidth + refWidth - steps, (b + 1) * refWidth),
                    java.util.Arrays.copyOfRange(mine, b * width + width - steps, (b + 1) * width), "new tokens of sequence " + b);

        // Two <image> for two images in one sequence and none in the other: neither form, so a clear error.
        long[] bad = collapsed.toLongArray().clone();
        for (int i = 0; i < collapsed.dim(1); i++) if (bad[collapsed.dim(1) + i] == 999) bad[collapsed.dim(1) + i] = 5;
        for (int i = 0; i < collapsed.dim(1); i++) if (bad[i] != 999 && i > 0) { bad[i] = 999; break; }
        inputs.put("input_ids", Tensor.ofLongs(bad, collapsed.dim(0), collapsed.dim(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfOutputs.forward(model, inputs));
        assertTrue(e.getMessage().contains("one <image> per image") && e.getMessage().contains("[2, 0]"), e.getMessage());
    }
}

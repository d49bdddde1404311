package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.efuf4j.cli.EfufCommand;
import org.efuf4j.gpu.opencl.OpenClDevice;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.efuf4j.tensor.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code efuf forward} against Hugging Face references: the shared transformers 4.45.1 bundles (clip, llama, llava)
 * and the torch fixtures of scripts/fixtures/hf_models_extra.py (Qwen2 with GQA + tied embeddings + q/k/v biases,
 * a SigLIP tower, LLaVA with SigLIP and the {@code full} strategy, CLIP with eos id 2), all with random norm
 * weights/biases there.
 *
 * <p>Tolerances, as max|diff| <= rel * max|ref| per tensor: F32 weights 1e-4 (float32 summation-order noise is
 * ~1e-5 relative, a real bug shows at 1e-3 or more); BF16 weights against the reference computed from the same
 * BF16 weights upcast, 1e-3 (the bound the issue states; the kernels widen BF16 exactly, so the F32 bound holds too).
 */
class HfForwardCommandTest {
    @TempDir Path tmp;

    static Path shared(String name) { return Path.of(System.getProperty("efuf4j.shared", "../shared"), "fixtures/hf-reference", name); }

    static Path extra(String name) {
        try {
            return Path.of(HfForwardCommandTest.class.getResource("/fixtures/hf-extra/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code efuf args...}; returns the outputs file's tensors. */
    static Map<String, Tensor> efuf(Path out, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = EfufCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute(args);
        assertEquals(0, rc, "efuf " + String.join(" ", args) + " failed: " + err);
        return SafetensorsFile.open(out).tensors();
    }

    Map<String, Tensor> forward(Path dir, Path inputs, String... extraArgs) {
        Path out = tmp.resolve("out-" + System.nanoTime() + ".safetensors");
        String[] base = {"forward", "--model", dir.toString(), "--inputs", inputs.toString(), "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extraArgs.length);
        System.arraycopy(extraArgs, 0, args, base.length, extraArgs.length);
        return efuf(out, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void sharedBundlesF32(String name) {
        Path dir = shared(name);
        Parity.assertClose(SafetensorsFile.open(dir.resolve("outputs.safetensors")).tensors(),
                forward(dir, dir.resolve("inputs.safetensors")), 1e-4, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void sharedBundlesBf16Weights(String name) {
        Path dir = shared(name);
        Parity.assertClose(SafetensorsFile.open(dir.resolve("outputs_bf16w.safetensors")).tensors(),
                forward(dir, dir.resolve("inputs.safetensors"), "--weights", dir.resolve("model.bf16.safetensors").toString()), 1e-3, name + " bf16");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "siglip", "llava-siglip", "clip-eos2"})
    void extraConfigurationsF32(String name) {
        Path dir = extra(name);
        Parity.assertClose(SafetensorsFile.open(dir.resolve("outputs.safetensors")).tensors(),
                forward(dir, dir.resolve("inputs.safetensors")), 1e-4, name);
    }

    /** Greedy tokens identical (smallest reference top-1/top-2 gaps: 3.4e-4, 4.0e-3, 4.2, 2.4), step logits within 1e-4. */
    @ParameterizedTest
    @ValueSource(strings = {"shared:llama", "shared:llava", "qwen2", "llava-siglip"})
    void greedyGeneration(String name) {
        Path dir = name.startsWith("shared:") ? shared(name.substring(7)) : extra(name);
        Map<String, Tensor> gen = SafetensorsFile.open(dir.resolve("generate.safetensors")).tensors();
        Map<String, Tensor> inputs = new LinkedHashMap<>(SafetensorsFile.open(dir.resolve("inputs.safetensors")).tensors());
        inputs.put("input_ids", gen.get("prompt_ids"));
        inputs.remove("attention_mask");
        Path in = tmp.resolve("prompt.safetensors");
        SafetensorsWriter.write(in, inputs);
        int steps = gen.get("step_logits").dim(1);
        Map<String, Tensor> out = forward(dir, in, "--generate", Integer.toString(steps));
        assertArrayEquals(gen.get("sequences").toLongArray(), out.get("sequences").toLongArray(), name + " sequences");
        Parity.assertClose(Map.of("step_logits", gen.get("step_logits")), out, 1e-4, name);
    }

    /**
     * The same bundles on the OpenCL device (PoCL in CI): F32 and BF16 weights within the CPU's tolerances,
     * greedy tokens identical. Skipped where no OpenCL driver is installed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"clip", "llama", "llava"})
    void sharedBundlesOnOpenCl(String name) {
        Assumptions.assumeFalse(OpenClDevice.list().isEmpty(), "no OpenCL device (install pocl-opencl-icd)");
        Path dir = shared(name);
        Parity.assertClose(SafetensorsFile.open(dir.resolve("outputs.safetensors")).tensors(),
                forward(dir, dir.resolve("inputs.safetensors"), "--device", "opencl"), 1e-4, name + " opencl");
        Parity.assertClose(SafetensorsFile.open(dir.resolve("outputs_bf16w.safetensors")).tensors(),
                forward(dir, dir.resolve("inputs.safetensors"), "--device", "opencl", "--weights", dir.resolve("model.bf16.safetensors").toString()),
                1e-3, name + " opencl bf16");
        if (!name.equals("clip")) {
            Map<String, Tensor> gen = SafetensorsFile.open(dir.resolve("generate.safetensors")).tensors();
            Map<String, Tensor> inputs = new LinkedHashMap<>(SafetensorsFile.open(dir.resolve("inputs.safetensors")).tensors());
            inputs.put("input_ids", gen.get("prompt_ids"));
            inputs.remove("attention_mask");
            Path in = tmp.resolve("prompt-cl.safetensors");
            SafetensorsWriter.write(in, inputs);
            Map<String, Tensor> out = forward(dir, in, "--device", "opencl", "--generate", Integer.toString(gen.get("step_logits").dim(1)));
            assertArrayEquals(gen.get("sequences").toLongArray(), out.get("sequences").toLongArray(), name + " opencl sequences");
        }
    }

    @Test
    void clearErrors() {
        Path dir = shared("llama");
        StringWriter err = new StringWriter();
        CommandLine cli = EfufCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("forward", "--model", dir.toString(), "--inputs", tmp.resolve("nope.safetensors").toString(),
                "--out", tmp.resolve("o.safetensors").toString());
        assertTrue(rc != 0);
        assertTrue(err.toString().contains("nope.safetensors"), err.toString());
        assertTrue(!Files.exists(tmp.resolve("o.safetensors")));
    }
}

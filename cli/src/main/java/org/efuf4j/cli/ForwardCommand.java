package org.efuf4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.pretrained.HfOutputs;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.efuf4j.tensor.safetensors.SafetensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code efuf forward}: one forward pass (or greedy generation) of a Hugging Face model directory on inputs from a
 * safetensors file, writing the outputs under the names transformers flattens them to.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run a Hugging Face model (CLIP, CLIP/SigLIP vision, LLaMA/Qwen2, LLaVA) on input_ids/attention_mask/pixel_values "
                + "and write its outputs (logits, hidden_states.N, image_hidden_states, text_embeds, logits_per_text, ...).")
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory (config.json + model.safetensors or shard index)")
    Path model;

    @Option(names = "--inputs", required = true, description = "safetensors file with input_ids, attention_mask, pixel_values")
    Path inputs;

    @Option(names = "--out", required = true, description = "safetensors file to write")
    Path out;

    @Option(names = "--weights", description = "weights file (or shard index) to use instead of the directory's")
    Path weights;

    @Option(names = "--generate", paramLabel = "N", description = "greedy-generate N tokens (stop tokens disabled): writes sequences and step_logits")
    Integer generate;

    @Mixin DeviceOption device;

    @Override public Integer call() {
        if (!Files.isRegularFile(inputs)) throw new IllegalArgumentException("--inputs " + inputs + ": no such file");
        if (!Files.isDirectory(model)) throw new IllegalArgumentException("--model " + model + ": not a directory");
        if (generate != null && generate < 1) throw new IllegalArgumentException("--generate must be >= 1, got " + generate);
        if (weights != null) ModelFiles.existingFile(weights, "--weights");
        OutputFolder.checkFile(out, "--out");
        Module m = PretrainedModels.load(model, weights, device.device());
        Map<String, Tensor> in = new LinkedHashMap<>(SafetensorsFile.open(inputs).tensors());
        Map<String, Tensor> result = generate != null ? HfOutputs.generate(m, in, generate) : HfOutputs.forward(m, in);
        SafetensorsWriter.write(out, result, Map.of("format", "pt"));
        System.out.println("wrote " + result.size() + " tensors to " + out);
        return 0;
    }
}

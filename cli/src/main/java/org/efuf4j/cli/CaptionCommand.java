package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf caption}: a LLaVA model describes an image (or answers a question about it). */
@Command(name = "caption", mixinStandardHelpOptions = true, description = "Generate a caption (or answer) for an image with a LLaVA model.")
final class CaptionCommand implements Callable<Integer> {
    static final String IMAGE_TOKEN = Captioner.IMAGE_TOKEN;

    @Option(names = "--model", required = true, description = "LLaVA directory (config.json, weights, tokenizer.json, optional preprocessor_config.json)")
    Path model;

    @Option(names = "--image", required = true, description = "image file")
    Path image;

    @Option(names = "--prompt", description = "question, put into the model's chat template unless it contains <image> itself"
            + " (default: the prompt the --model directory records, else \"" + DEFAULT_PROMPT + "\")")
    String prompt;

    static final String DEFAULT_PROMPT = "Describe this image in detail.";

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "default: ${DEFAULT-VALUE}")
    int maxNewTokens;

    @Mixin DecodingOptions decodingOptions;

    @Mixin DeviceOption device;

    @Override public Integer call() {
        ModelFiles.existingDirectory(model, "--model");
        ModelFiles.existingFile(image, "--image");
        LlavaForConditionalGeneration llava = PretrainedModels.load(model, null, device.device(), LlavaForConditionalGeneration.class);
        Tokenizer tokenizer = ModelFiles.tokenizer(model);
        Tensor pixels = ModelFiles.pixels(image, ModelFiles.imagePreprocessor(model, llava.config().visionConfig()));
        Decoding decoding = decodingOptions.decoding(DecodingOptions.Kind.greedy);
        String question = org.efuf4j.efuf.pipeline.ModelDirectory.prompt(model, prompt, DEFAULT_PROMPT);
        String template = org.efuf4j.efuf.pipeline.ModelDirectory.template(model, null);
        String text = question.contains(IMAGE_TOKEN) ? question : template.replace("{prompt}", question);
        System.out.println(Captioner.generate(llava, tokenizer, pixels, text, new GenerationConfig(maxNewTokens, stopTokens(llava.config(), tokenizer), decoding, true)));
        return 0;
    }

    static Set<Integer> stopTokens(LlavaConfig config, Tokenizer tokenizer) { return Captioner.stopTokens(config, tokenizer); }
}

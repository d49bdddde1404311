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
    static final String TEMPLATE = Captioner.LLAVA_TEMPLATE;
    static final String IMAGE_TOKEN = Captioner.IMAGE_TOKEN;

    @Option(names = "--model", required = true, description = "LLaVA directory (config.json, weights, tokenizer.json, optional preprocessor_config.json)")
    Path model;

    @Option(names = "--image", required = true, description = "image file")
    Path image;

    @Option(names = "--prompt", defaultValue = "Describe this image in detail.",
            description = "question; wrapped as \"" + "USER: <image>\\n{prompt} ASSISTANT:\" unless it contains <image> itself (default: ${DEFAULT-VALUE})")
    String prompt;

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
        System.out.println(caption(llava, tokenizer, pixels, prompt, new GenerationConfig(maxNewTokens, stopTokens(llava.config(), tokenizer), decoding, true)));
        return 0;
    }

    static Set<Integer> stopTokens(LlavaConfig config, Tokenizer tokenizer) { return Captioner.stopTokens(config, tokenizer); }

    static String caption(LlavaForConditionalGeneration llava, Tokenizer tokenizer, Tensor pixels, String prompt, GenerationConfig config) {
        String text = prompt.contains(IMAGE_TOKEN) ? prompt : TEMPLATE.replace("{prompt}", prompt);
        return Captioner.generate(llava, tokenizer, pixels, text, config);
    }

    static long[] promptIds(LlavaConfig config, Tokenizer tokenizer, String text) { return Captioner.promptIds(config, tokenizer, text); }
}

package org.efuf4j.efuf.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;

import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.GenerationResult;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code efuf caption}: a LLaVA model describes an image (or answers a question about it). */
@Command(name = "caption", mixinStandardHelpOptions = true, description = "Generate a caption (or answer) for an image with a LLaVA model.")
final class CaptionCommand implements Callable<Integer> {
    static final String TEMPLATE = "USER: <image>\n{prompt} ASSISTANT:";
    static final String IMAGE_TOKEN = "<image>";

    @Option(names = "--model", required = true, description = "LLaVA directory (config.json, weights, tokenizer.json, optional preprocessor_config.json)")
    Path model;

    @Option(names = "--image", required = true, description = "image file")
    Path image;

    @Option(names = "--prompt", defaultValue = "Describe this image in detail.",
            description = "question; wrapped as \"" + "USER: <image>\\n{prompt} ASSISTANT:\" unless it contains <image> itself (default: ${DEFAULT-VALUE})")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "default: ${DEFAULT-VALUE}")
    int maxNewTokens;

    @Option(names = "--beams", defaultValue = "1", description = "beam search with this many beams (default: greedy)")
    int beams;

    @Option(names = "--temperature", description = "sample at this temperature instead of greedy decoding")
    Double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus sampling mass (with --temperature)")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "sampling seed")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or opencl[:N] (default: ${DEFAULT-VALUE})")
    String device;

    @Override public Integer call() {
        ModelFiles.existingDirectory(model, "--model");
        ModelFiles.existingFile(image, "--image");
        LlavaForConditionalGeneration llava = PretrainedModels.load(model, null, Device.parse(device), LlavaForConditionalGeneration.class);
        Tokenizer tokenizer = ModelFiles.tokenizer(model);
        Tensor pixels = ModelFiles.pixels(image, ModelFiles.imagePreprocessor(model, llava.config().visionConfig()));
        Decoding decoding = temperature != null ? new Decoding.Sampling(temperature, topP, seed)
                : beams > 1 ? new Decoding.BeamSearch(beams, 1.0) : Decoding.GREEDY;
        System.out.println(caption(llava, tokenizer, pixels, prompt, new GenerationConfig(maxNewTokens, stopTokens(llava.config(), tokenizer), decoding, true)));
        return 0;
    }

    static Set<Integer> stopTokens(LlavaConfig config, Tokenizer tokenizer) {
        Set<Integer> stop = new HashSet<>(config.textConfig().eosTokenIds());
        if (tokenizer.eosId() >= 0) stop.add(tokenizer.eosId());
        return stop;
    }

    static String caption(LlavaForConditionalGeneration llava, Tokenizer tokenizer, Tensor pixels, String prompt, GenerationConfig config) {
        String text = prompt.contains(IMAGE_TOKEN) ? prompt : TEMPLATE.replace("{prompt}", prompt);
        long[] ids = promptIds(llava.config(), tokenizer, text);
        GenerationResult r = Generator.generate(llava, Tensor.ofLongs(ids, 1, ids.length), pixels, config);
        long[] generated = r.newTokens(0);
        int[] out = new int[generated.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) generated[i];
        return tokenizer.decode(out).strip();
    }

    /** The tokenized prompt with its one {@code <image>} expanded to one placeholder per projected image row. */
    static long[] promptIds(LlavaConfig config, Tokenizer tokenizer, String text) {
        int imageId = config.imageTokenIndex();
        if (tokenizer.tokenToId(IMAGE_TOKEN) != imageId)
            throw new IllegalArgumentException("the tokenizer maps " + IMAGE_TOKEN + " to " + tokenizer.tokenToId(IMAGE_TOKEN)
                    + ", but config.json's image_token_index is " + imageId);
        int[] ids = tokenizer.encode(text);
        int count = 0;
        for (int id : ids) if (id == imageId) count++;
        if (count != 1) throw new IllegalArgumentException("the prompt must hold exactly one " + IMAGE_TOKEN + ", found " + count + ": " + text);
        int rows = config.imageFeatureRows();
        long[] out = new long[ids.length - 1 + rows];
        int j = 0;
        for (int id : ids) {
            if (id == imageId) for (int r = 0; r < rows; r++) out[j++] = imageId;
            else out[j++] = id;
        }
        return out;
    }
}

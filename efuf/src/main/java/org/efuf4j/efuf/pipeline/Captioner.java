package org.efuf4j.efuf.pipeline;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.GenerationResult;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;

/** A LLaVA model with its tokenizer and image preprocessing, asked about images through a chat template. */
public final class Captioner {
    /** LLaVA-1.5's conversation format; {@code {prompt}} is replaced by the question. */
    public static final String LLAVA_TEMPLATE = "USER: <image>\n{prompt} ASSISTANT:";
    public static final String IMAGE_TOKEN = "<image>";
    /** The paper's dataset-formation prompt. */
    public static final String FORMATION_PROMPT = "Please describe the image.";
    /** The paper's evaluation prompt. */
    public static final String EVALUATION_PROMPT = "Please describe the image in great detail. Your response should have at least 100 words.";

    private final LlavaForConditionalGeneration llava;
    private final Tokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final String template;

    public Captioner(LlavaForConditionalGeneration llava, Tokenizer tokenizer, ImagePreprocessor preprocessor, String template) {
        if (!template.contains("{prompt}") || !template.contains(IMAGE_TOKEN))
            throw new IllegalArgumentException("chat template must hold {prompt} and " + IMAGE_TOKEN + ", got: " + template);
        this.llava = llava;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
        this.template = template;
    }

    public static Captioner load(Path dir, Device device, String template) {
        ModelDirectory.requireDirectory(dir, "LLaVA model");
        LlavaForConditionalGeneration llava = PretrainedModels.load(dir, null, device, LlavaForConditionalGeneration.class);
        return new Captioner(llava, ModelDirectory.tokenizer(dir), ModelDirectory.imagePreprocessor(dir, llava.config().visionConfig()), template);
    }

    public LlavaForConditionalGeneration model() { return llava; }

    public Tokenizer tokenizer() { return tokenizer; }

    public ImagePreprocessor preprocessor() { return preprocessor; }

    /** The full chat text for a question: the template with the question in place (a question holding {@code <image>} is taken as is). */
    public String chatText(String prompt) {
        return prompt.contains(IMAGE_TOKEN) ? prompt : template.replace("{prompt}", prompt);
    }

    /** {@code [1, 3, S, S]} pixel values. */
    public Tensor pixels(RgbImage image) {
        Tensor t = preprocessor.preprocess(image);
        return t.reshape(1, t.dim(0), t.dim(1), t.dim(2));
    }

    public String generate(RgbImage image, String prompt, int maxNewTokens, Decoding decoding) {
        GenerationConfig config = new GenerationConfig(maxNewTokens, stopTokens(llava.config(), tokenizer), decoding, true);
        return generate(llava, tokenizer, pixels(image), chatText(prompt), config);
    }

    public static String generate(LlavaForConditionalGeneration llava, Tokenizer tokenizer, Tensor pixels, String chatText, GenerationConfig config) {
        long[] ids = promptIds(llava.config(), tokenizer, chatText);
        GenerationResult r = Generator.generate(llava, Tensor.ofLongs(ids, 1, ids.length), pixels, config);
        long[] generated = r.newTokens(0);
        int[] out = new int[generated.length];
        for (int i = 0; i < out.length; i++) out[i] = (int) generated[i];
        return tokenizer.decode(out).strip();
    }

    public static Set<Integer> stopTokens(LlavaConfig config, Tokenizer tokenizer) {
        Set<Integer> stop = new HashSet<>(config.textConfig().eosTokenIds());
        if (tokenizer.eosId() >= 0) stop.add(tokenizer.eosId());
        return stop;
    }

    /** The tokenized text with its one {@code <image>} expanded to one placeholder per projected image row. */
    public static long[] promptIds(LlavaConfig config, Tokenizer tokenizer, String text) {
        return expandImageTokens(config, tokenizer, tokenizer.encode(text), text);
    }

    /** Token ids with the one {@code <image>} id expanded to {@code imageFeatureRows} placeholders. */
    public static long[] expandImageTokens(LlavaConfig config, Tokenizer tokenizer, int[] ids, String text) {
        int imageId = config.imageTokenIndex();
        if (tokenizer.tokenToId(IMAGE_TOKEN) != imageId)
            throw new IllegalArgumentException("the tokenizer maps " + IMAGE_TOKEN + " to " + tokenizer.tokenToId(IMAGE_TOKEN)
                    + ", but config.json's image_token_index is " + imageId);
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

package org.efuf4j.world.models;

import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.tokenizer.Tokenizer;

/**
 * The captioner's prompt in the llava-hf chat template, tokenized with its one {@code <image>} expanded to one
 * placeholder per projected image row (what the processor of transformers and {@code efuf caption} do).
 */
final class CaptionPrompt {
    private CaptionPrompt() {}

    static String text(String prompt) { return WorldTokenizer.TEMPLATE.replace("{prompt}", prompt); }

    /** The prompt in the chat template without its image (the decoder's text-only pretraining). */
    static long[] textOnlyIds(Tokenizer tokenizer, String prompt) {
        int[] ids = tokenizer.encode(text(prompt).replace(WorldTokenizer.IMAGE, ""));
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = ids[i];
        return out;
    }

    static long[] ids(LlavaConfig config, Tokenizer tokenizer, String prompt) {
        int imageId = config.imageTokenIndex();
        if (tokenizer.tokenToId(WorldTokenizer.IMAGE) != imageId)
            throw new IllegalArgumentException("the tokenizer maps " + WorldTokenizer.IMAGE + " to " + tokenizer.tokenToId(WorldTokenizer.IMAGE)
                    + ", but the config's image_token_index is " + imageId);
        int[] ids = tokenizer.encode(text(prompt));
        int rows = config.imageFeatureRows();
        long[] out = new long[ids.length - 1 + rows];
        int j = 0;
        for (int id : ids) {
            if (id == imageId) for (int r = 0; r < rows; r++) out[j++] = imageId;
            else out[j++] = id;
        }
        if (j != out.length) throw new IllegalArgumentException("the prompt must hold exactly one " + WorldTokenizer.IMAGE + ": " + text(prompt));
        return out;
    }
}

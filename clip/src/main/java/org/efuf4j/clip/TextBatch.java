package org.efuf4j.clip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.efuf4j.models.config.ClipTextConfig;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Tensor;

/**
 * Texts as the CLIP text tower reads them: {@code input_ids} and {@code attention_mask} {@code [B, L]}, padded to
 * the longest text (as {@code CLIPProcessor(padding=True)}). Each row ends with end-of-text, where the tower pools.
 */
public record TextBatch(Tensor ids, Tensor mask) {

    /** Fails when the tokenizer's end-of-text is not the id the text tower pools at. */
    static void checkCompatible(Tokenizer tokenizer, ClipTextConfig config) {
        // eos_token_id 2 is the legacy setting under which the tower pools at the largest id instead.
        if (config.eosTokenId() != 2 && tokenizer.eosId() != config.eosTokenId())
            throw new IllegalArgumentException("tokenizer end-of-text id " + tokenizer.eosId() + " differs from the text config's eos_token_id "
                    + config.eosTokenId() + "; the text tower would pool at the wrong position");
        if (tokenizer.vocabSize() > config.vocabSize())
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize() + " tokens, the text config's vocab_size is only "
                    + config.vocabSize());
    }

    public static TextBatch encode(Tokenizer tokenizer, List<String> texts, int maxLength) {
        if (texts.isEmpty()) throw new IllegalArgumentException("no texts to encode");
        int eos = tokenizer.eosId();
        List<int[]> rows = new ArrayList<>(texts.size());
        int longest = 1;
        for (String text : texts) {
            int[] ids = tokenizer.encode(text, true);
            if (eos >= 0 && (ids.length == 0 || ids[ids.length - 1] != eos)) {
                ids = Arrays.copyOf(ids, ids.length + 1);
                ids[ids.length - 1] = eos;
            }
            if (ids.length > maxLength) {
                // CLIP's truncation: keep the first tokens and end with end-of-text.
                ids = Arrays.copyOf(ids, maxLength);
                if (eos >= 0) ids[maxLength - 1] = eos;
            }
            rows.add(ids);
            longest = Math.max(longest, ids.length);
        }
        int pad = tokenizer.padId() >= 0 ? tokenizer.padId() : Math.max(eos, 0);
        long[] ids = new long[texts.size() * longest], mask = new long[ids.length];
        Arrays.fill(ids, pad);
        for (int r = 0; r < rows.size(); r++) {
            int[] row = rows.get(r);
            for (int t = 0; t < row.length; t++) {
                ids[r * longest + t] = row[t];
                mask[r * longest + t] = 1;
            }
        }
        return new TextBatch(Tensor.ofLongs(ids, texts.size(), longest), Tensor.ofLongs(mask, texts.size(), longest));
    }
}

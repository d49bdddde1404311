package org.efuf4j.efuf.world.models;

import java.util.List;

import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Tensor;

/** Texts tokenized for the CLIP text tower: ids and mask {@code [B, L]}, right-padded with id 0. */
record TextBatch(Tensor ids, Tensor mask) {

    /** Texts longer than {@code maxLength} keep their first tokens and end with the end-of-text token. */
    static TextBatch of(Tokenizer tokenizer, List<String> texts, int maxLength) {
        int[][] encoded = new int[texts.size()][];
        int length = 1;
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = tokenizer.encode(texts.get(i));
            if (ids.length > maxLength) {
                int end = ids[ids.length - 1];
                ids = java.util.Arrays.copyOf(ids, maxLength);
                ids[maxLength - 1] = end;
            }
            encoded[i] = ids;
            length = Math.max(length, ids.length);
        }
        long[] ids = new long[texts.size() * length], mask = new long[texts.size() * length];
        for (int i = 0; i < encoded.length; i++) {
            for (int t = 0; t < encoded[i].length; t++) {
                ids[i * length + t] = encoded[i][t];
                mask[i * length + t] = 1;
            }
        }
        return new TextBatch(Tensor.ofLongs(ids, texts.size(), length), Tensor.ofLongs(mask, texts.size(), length));
    }
}

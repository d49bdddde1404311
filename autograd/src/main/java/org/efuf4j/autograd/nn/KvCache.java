package org.efuf4j.autograd.nn;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/** Keys and values of past positions for one attention layer, preallocated to a maximum length (inference). */
public final class KvCache {
    private final Tensor keys, values;
    private int length;

    /** Storage for {@code [batch, kvHeads, maxLength, headDim]} on {@code backend}'s device. */
    public KvCache(Backend backend, int batch, int kvHeads, int maxLength, int headDim) {
        keys = backend.zeros(DType.F32, batch, kvHeads, maxLength, headDim);
        values = backend.zeros(DType.F32, batch, kvHeads, maxLength, headDim);
    }

    public int length() { return length; }

    public void reset() { length = 0; }

    /**
     * Keeps, for each batch row i, what row {@code rows[i]} held (beam search reordering its beams);
     * rows may repeat. The cached length stays.
     */
    public void reorder(int[] rows) {
        if (rows.length != keys.dim(0)) throw new IllegalArgumentException("reorder needs " + keys.dim(0) + " rows, got " + rows.length);
        if (length == 0) return;
        Backend be = keys.backend();
        for (Tensor t : new Tensor[] {keys, values}) {
            Tensor old = be.contiguous(t.slice(2, 0, length));
            for (int i = 0; i < rows.length; i++) be.copyInto(old.slice(0, rows[i], rows[i] + 1), t.slice(0, i, i + 1).slice(2, 0, length));
        }
    }

    /** Appends {@code [B, Hkv, T, hd]} keys/values; returns views of everything cached so far. */
    Tensor[] append(Tensor k, Tensor v) {
        int t = k.dim(2);
        if (length + t > keys.dim(2)) throw new IllegalStateException("KV cache of " + keys.dim(2) + " positions cannot take " + t + " more after " + length);
        Backend be = keys.backend();
        be.copyInto(k, keys.slice(2, length, length + t));
        be.copyInto(v, values.slice(2, length, length + t));
        length += t;
        return new Tensor[] {keys.slice(2, 0, length), values.slice(2, 0, length)};
    }
}

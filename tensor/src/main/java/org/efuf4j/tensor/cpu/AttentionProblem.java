package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * The checked sizes of one scaled-dot-product attention call, shared by the fast kernel and its
 * reference twin so both reject the same inputs with the same words.
 *
 * @param batch      B
 * @param queryHeads Hq
 * @param kvHeads    Hkv; query head h reads kv head {@code h / group()}
 * @param queries    Tq
 * @param keys       Tk
 * @param headDim    D of q and k
 * @param valueDim   D of v (and of the output); usually equal to {@code headDim}
 */
record AttentionProblem(int batch, int queryHeads, int kvHeads, int queries, int keys, int headDim, int valueDim) {

    /** Query heads that share one key/value head. */
    int group() { return queryHeads / kvHeads; }

    /** Checks ranks, sizes, dtypes and the mask against each other; errors name the tensor and field. */
    static AttentionProblem of(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        requireHostFloat4("q", q, "[B, Hq, Tq, D]");
        requireHostFloat4("k", k, "[B, Hkv, Tk, D]");
        requireHostFloat4("v", v, "[B, Hkv, Tk, D]");
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3);
        int hkv = k.dim(1), tk = k.dim(2);
        requireDim("k", k, 0, "batch", b);
        requireDim("k", k, 3, "head dim", d);
        requireDim("v", v, 0, "batch", b);
        requireDim("v", v, 1, "kv heads", hkv);
        requireDim("v", v, 2, "keys", tk);
        // the Backend contract: values have the head dim, as on ref64 and OpenCL
        requireDim("v", v, 3, "head dim", d);
        if (hkv == 0 || hq % hkv != 0)
            throw new IllegalArgumentException("attention: query heads " + hq + " (q " + Shapes.str(q.shape()) + ") are not a multiple of kv heads "
                    + hkv + " (k " + Shapes.str(k.shape()) + ")");
        if (mask == null) throw new IllegalArgumentException("attention: mask is null; pass AttentionMask.NONE for no mask");
        Tensor pad = mask.keyPadding();
        if (pad != null) {
            if (pad.rank() != 2 || pad.dim(0) != b || pad.dim(1) != tk)
                throw new IllegalArgumentException("attention: keyPadding must be [B, Tk] = [" + b + ", " + tk + "], got " + Shapes.str(pad.shape()));
            if (!pad.device().isCpu())
                throw new IllegalArgumentException("attention: keyPadding lives on " + pad.device() + ", the CPU backend needs a host tensor");
        }
        return new AttentionProblem(b, hq, hkv, tq, tk, d, v.dim(3));
    }

    private static void requireHostFloat4(String name, Tensor t, String expected) {
        if (t == null) throw new IllegalArgumentException("attention: " + name + " is null");
        if (t.rank() != 4) throw new IllegalArgumentException("attention: " + name + " must be " + expected + ", got shape " + Shapes.str(t.shape()));
        if (!t.dtype().isFloating()) throw new IllegalArgumentException("attention: " + name + " must be a float tensor, got " + t.dtype());
        if (!t.device().isCpu())
            throw new IllegalArgumentException("attention: " + name + " lives on " + t.device() + ", the CPU backend needs host tensors");
    }

    private static void requireDim(String name, Tensor t, int axis, String field, int expected) {
        if (t.dim(axis) != expected)
            throw new IllegalArgumentException("attention: " + name + " " + field + " (dim " + axis + ") must be " + expected + ", got "
                    + t.dim(axis) + " in shape " + Shapes.str(t.shape()));
    }

    /**
     * The additive key bias of the padding mask per {@code b * keys + j}: 0 for a real key, -infinity for
     * padding; null without a padding mask.
     */
    float[] keyBias(AttentionMask mask) {
        if (mask.keyPadding() == null) return null;
        float[] keep = mask.keyPadding().toFloatArray();
        float[] bias = new float[keep.length];
        for (int i = 0; i < keep.length; i++) bias[i] = keep[i] != 0f ? 0f : Float.NEGATIVE_INFINITY;
        return bias;
    }

    /** The last key query {@code t} may see (keys {@code j <= lastKey}), before padding. */
    int lastVisibleKey(AttentionMask mask, int t) {
        if (!mask.causal()) return keys - 1;
        return (int) Math.min(keys - 1L, (long) t + mask.queryOffset());
    }
}

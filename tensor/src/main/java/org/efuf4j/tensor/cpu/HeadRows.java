package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/**
 * A {@code [B, H, T, D]} tensor seen as F32 rows of {@code D} consecutive floats in a heap array, so
 * kernels load them straight into vectors. Views whose rows are already such (contiguous tensors,
 * {@code [B, T, H, D]} transposed, KV-cache slices, expanded heads) are used in place; anything else
 * (half types, a strided last axis, native memory) is copied to contiguous F32 once.
 *
 * <p>Results are made {@link #fresh like} an input: heads split from a projection ({@code [B, T, H*D]} reshaped and
 * transposed) get a result with the same token-major storage, so merging its heads back is a free reshape rather
 * than a copy in the forward pass (the attention output) and in the backward pass (the q, k, v gradients).
 */
record HeadRows(float[] data, int base, int strideB, int strideH, int strideT) {

    /** Index of element 0 of row {@code (b, h, t)} in {@link #data}. */
    int row(int b, int h, int t) { return base + b * strideB + h * strideH + t * strideT; }

    static HeadRows of(Tensor t) {
        HeadRows direct = direct(t);
        if (direct != null) return direct;
        HeadRows copied = direct(CpuLayout.copy(t, DType.F32));
        if (copied == null)
            throw new IllegalArgumentException("attention input " + t + " has " + t.numel() + " elements, more than one Java array holds");
        return copied;
    }

    /** A fresh result and its rows. */
    record Fresh(Tensor tensor, HeadRows rows) {}

    /**
     * A zeroed F32 {@code [b, h, t, d]} tensor stored like {@code like}: token-major ({@code [b, t, h, d]} storage
     * seen transposed) when {@code like} steps further per time step than per head, head-major (contiguous) otherwise.
     */
    static Fresh fresh(Tensor like, int b, int h, int t, int d) {
        boolean tokenMajor = like.rank() == 4 && like.dim(1) > 1 && like.dim(2) > 1 && like.stride(2) > like.stride(1);
        long n = (long) b * h * t * d;
        if (n > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("attention result [" + b + ", " + h + ", " + t + ", " + d + "] has " + n + " elements, more than one Java array holds");
        float[] data = new float[(int) n];
        Tensor tensor = tokenMajor ? Tensor.of(data, b, t, h, d).transpose(1, 2) : Tensor.of(data, b, h, t, d);
        return new Fresh(tensor, direct(tensor));
    }

    private static HeadRows direct(Tensor t) {
        if (t.dtype() != DType.F32 || (t.dim(3) > 1 && t.stride(3) != 1)) return null;
        MemorySegment seg = t.hostSegment();
        if (!(seg.heapBase().orElse(null) instanceof float[] array) || seg.address() % Float.BYTES != 0) return null;
        // Heap segments report their byte offset into the backing array as their address.
        long base = seg.address() / Float.BYTES + t.offset();
        return new HeadRows(array, Math.toIntExact(base), Math.toIntExact(t.stride(0)), Math.toIntExact(t.stride(1)), Math.toIntExact(t.stride(2)));
    }
}

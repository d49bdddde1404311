package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/**
 * A {@code [B, H, T, D]} tensor seen as F32 rows of {@code D} consecutive floats in a heap array, so
 * kernels load them straight into vectors. Views whose rows are already such (contiguous tensors,
 * {@code [B, T, H, D]} transposed, KV-cache slices, expanded heads) are used in place; anything else
 * (half types, a strided last axis, native memory) is copied to contiguous F32 once.
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

    private static HeadRows direct(Tensor t) {
        if (t.dtype() != DType.F32 || (t.dim(3) > 1 && t.stride(3) != 1)) return null;
        MemorySegment seg = t.hostSegment();
        if (!(seg.heapBase().orElse(null) instanceof float[] array) || seg.address() % Float.BYTES != 0) return null;
        // Heap segments report their byte offset into the backing array as their address.
        long base = seg.address() / Float.BYTES + t.offset();
        return new HeadRows(array, Math.toIntExact(base), Math.toIntExact(t.stride(0)), Math.toIntExact(t.stride(1)), Math.toIntExact(t.stride(2)));
    }
}

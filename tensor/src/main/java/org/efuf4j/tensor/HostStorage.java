package org.efuf4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Host memory: heap-backed (a Java array wrapped as a segment) for activations, or a file-mapped
 * native segment for weights. Always long-indexed.
 */
public record HostStorage(MemorySegment segment, boolean readOnly) implements Storage {
    public HostStorage {
        if (readOnly && !segment.isReadOnly()) segment = segment.asReadOnly();
    }

    /** A zero-filled heap allocation that holds {@code count} elements of {@code dtype}. */
    public static HostStorage allocate(DType dtype, long count) {
        if (count > Integer.MAX_VALUE - 16) {
            // Larger than one Java array: use GC-managed native memory instead.
            return new HostStorage(java.lang.foreign.Arena.ofAuto().allocate(count * dtype.byteSize(), 64), false);
        }
        int n = (int) count;
        MemorySegment seg = switch (dtype) {
            case F32 -> MemorySegment.ofArray(new float[n]);
            case F16, BF16 -> MemorySegment.ofArray(new short[n]);
            case F64 -> MemorySegment.ofArray(new double[n]);
            case I64 -> MemorySegment.ofArray(new long[n]);
            case I32 -> MemorySegment.ofArray(new int[n]);
            case U8, BOOL -> MemorySegment.ofArray(new byte[n]);
        };
        return new HostStorage(seg, false);
    }

    @Override public Device device() { return Device.CPU; }

    @Override public long byteSize() { return segment.byteSize(); }
}

package org.efuf4j.tensor;

/**
 * Storage element types. Compute is always F32: half-precision types are widened inside kernels,
 * integer types hold ids, masks and legacy buffers.
 */
public enum DType {
    F32(4, "F32", true),
    F16(2, "F16", true),
    BF16(2, "BF16", true),
    F64(8, "F64", true),
    I64(8, "I64", false),
    I32(4, "I32", false),
    U8(1, "U8", false),
    BOOL(1, "BOOL", false);

    private final int byteSize;
    private final String safetensorsName;
    private final boolean floating;

    DType(int byteSize, String safetensorsName, boolean floating) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
        this.floating = floating;
    }

    public int byteSize() { return byteSize; }

    /** The dtype string used in safetensors headers. */
    public String safetensorsName() { return safetensorsName; }

    public boolean isFloating() { return floating; }

    /** True for the 16-bit float storage types that kernels widen to F32 on the fly. */
    public boolean isHalf() { return this == F16 || this == BF16; }

    /** Parses a safetensors dtype name; returns null when the name is unknown so callers can name the file and tensor. */
    public static DType fromSafetensorsName(String name) {
        for (DType t : values()) if (t.safetensorsName.equals(name)) return t;
        return null;
    }
}

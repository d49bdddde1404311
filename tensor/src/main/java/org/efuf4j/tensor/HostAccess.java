package org.efuf4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar element access to host segments by element index, widening every float type to F32.
 * Unaligned layouts: tensors inside a safetensors file start wherever the previous one ended.
 */
public final class HostAccess {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    public static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private HostAccess() {}

    public static float bf16ToFloat(short bits) { return Float.intBitsToFloat((bits & 0xffff) << 16); }

    /** Round-to-nearest-even F32 -> BF16, as torch's {@code .to(torch.bfloat16)}; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float readFloat(MemorySegment seg, DType dtype, long index) {
        return switch (dtype) {
            case F32 -> seg.get(F32, index * 4);
            case BF16 -> bf16ToFloat(seg.get(I16, index * 2));
            case F16 -> Float.float16ToFloat(seg.get(I16, index * 2));
            case F64 -> (float) seg.get(F64, index * 8);
            case I64 -> seg.get(I64, index * 8);
            case I32 -> seg.get(I32, index * 4);
            case U8, BOOL -> seg.get(ValueLayout.JAVA_BYTE, index) & 0xff;
        };
    }

    public static void writeFloat(MemorySegment seg, DType dtype, long index, float v) {
        switch (dtype) {
            case F32 -> seg.set(F32, index * 4, v);
            case BF16 -> seg.set(I16, index * 2, floatToBf16(v));
            case F16 -> seg.set(I16, index * 2, Float.floatToFloat16(v));
            case F64 -> seg.set(F64, index * 8, v);
            case I64 -> seg.set(I64, index * 8, (long) v);
            case I32 -> seg.set(I32, index * 4, (int) v);
            case U8 -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) (int) v);
            case BOOL -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) (v != 0 ? 1 : 0)); // torch: any non-zero (and NaN) is true
        }
    }

    public static long readLong(MemorySegment seg, DType dtype, long index) {
        return switch (dtype) {
            case I64 -> seg.get(I64, index * 8);
            case I32 -> seg.get(I32, index * 4);
            case U8, BOOL -> seg.get(ValueLayout.JAVA_BYTE, index) & 0xff;
            case F64 -> (long) seg.get(F64, index * 8);
            default -> (long) readFloat(seg, dtype, index);
        };
    }

    public static void writeLong(MemorySegment seg, DType dtype, long index, long v) {
        switch (dtype) {
            case I64 -> seg.set(I64, index * 8, v);
            case I32 -> seg.set(I32, index * 4, (int) v);
            case U8 -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) v);
            case BOOL -> seg.set(ValueLayout.JAVA_BYTE, index, (byte) (v != 0 ? 1 : 0));
            case F64 -> seg.set(F64, index * 8, (double) v);
            default -> writeFloat(seg, dtype, index, v);
        }
    }
}

package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;

/**
 * Widening of stored weights to F32 runs of floats: the one place where BF16/F16 become F32 on the way into
 * a kernel (a packed GEMM panel or a small scratch row), so weights are never copied into an F32 tensor.
 */
final class Widen {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int LANES = Species.LANES;
    private static final VectorSpecies<Integer> I = Species.of(int.class, F.vectorBitSize());
    /** Half as wide: one lane of 16 bits per float lane. */
    private static final VectorSpecies<Short> S = Species.of(short.class, F.vectorBitSize() / 2);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Widen() {}

    /** {@code dst[dstOff + i] = (float) src[srcIndex + i]} for {@code i < len}, elements of {@code dtype}. */
    static void run(MemorySegment src, DType dtype, long srcIndex, float[] dst, int dstOff, int len) {
        switch (dtype) {
            case F32 -> f32(src, srcIndex, dst, dstOff, len);
            case BF16 -> bf16(src, srcIndex, dst, dstOff, len);
            case F16 -> f16(src, srcIndex, dst, dstOff, len);
            default -> throw new IllegalArgumentException("cannot widen " + dtype + " to F32");
        }
    }

    private static void f32(MemorySegment src, long srcIndex, float[] dst, int dstOff, int len) {
        MemorySegment.copy(src, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, srcIndex * 4, dst, dstOff, len);
    }

    private static void bf16(MemorySegment src, long srcIndex, float[] dst, int dstOff, int len) {
        int i = 0;
        for (; i + LANES <= len; i += LANES) bf16Vector(src, (srcIndex + i) * 2).intoArray(dst, dstOff + i);
        for (; i < len; i++) dst[dstOff + i] = Float.intBitsToFloat((src.get(HostAccess.I16, (srcIndex + i) * 2) & 0xffff) << 16);
    }

    /**
     * From this many halves on, F16 widens through a plain {@link Float#float16ToFloat} loop, which C2 vectorizes
     * with the hardware conversion: 0.14-0.22 ns per half on runs of 512 against 0.7 for {@link #f16Vector}, while on
     * runs of 24 the loop's scalar pre- and post-loops make it the slower one (1.4 against 0.8-1.0 ns).
     */
    private static final int F16_LOOP_MIN = 128;

    private static void f16(MemorySegment src, long srcIndex, float[] dst, int dstOff, int len) {
        int i = 0;
        if (len < F16_LOOP_MIN) for (; i + LANES <= len; i += LANES) f16Vector(src, (srcIndex + i) * 2).intoArray(dst, dstOff + i);
        // the tail of a short run, or all of a long one
        for (; i < len; i++) dst[dstOff + i] = Float.float16ToFloat(src.get(HostAccess.I16, (srcIndex + i) * 2));
    }

    /** {@code LANES} BF16 values at {@code byteOffset}: a BF16 is the upper half of the F32 with the same bits. */
    static FloatVector bf16Vector(MemorySegment src, long byteOffset) {
        IntVector wide = (IntVector) ShortVector.fromMemorySegment(S, src, byteOffset, LE).convertShape(VectorOperators.S2I, I, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * {@code LANES} F16 values at {@code byteOffset}. Shifting exponent and mantissa into F32 position and
     * scaling by 2^112 rebiases the exponent exactly for normal and subnormal halves alike; Inf/NaN keep an
     * all-ones exponent; the sign is copied.
     */
    static FloatVector f16Vector(MemorySegment src, long byteOffset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, byteOffset, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector scaled = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> infOrNan = h.and(0x7c00).eq(0x7c00);
        IntVector bits = scaled.blend(magnitude.or(0x7f800000), infOrNan);
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}

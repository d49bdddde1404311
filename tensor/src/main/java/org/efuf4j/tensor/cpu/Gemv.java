package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Widen.F;
import static org.efuf4j.tensor.cpu.Widen.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Parallel;

/**
 * {@code C += A B} for a few rows of A against a B whose columns are contiguous, i.e. activations times a
 * weight stored {@code [out, in]} (decoding one token). The weight is streamed from memory exactly once: each
 * group of 4 weight rows is widened chunk by chunk into an L1-resident scratch and dotted with every row of
 * A while it is there, so the kernel is bound by memory bandwidth, not by packing.
 */
final class Gemv {
    /** Largest M handled here; above it the packed GEMM reuses B well enough. */
    static final int MAX_ROWS = 4;
    private static final int GROUP = 4;
    private static final int CHUNK = 1024;
    private static final VectorSpecies<Integer> I = LANES == 8 ? IntVector.SPECIES_256 : IntVector.SPECIES_128;
    private static final VectorSpecies<Short> S16 = LANES == 8 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HIGH_HALF = 0xffff0000;

    private Gemv() {}

    static boolean applies(GemmOperand a, GemmOperand b) {
        return a.rows() <= MAX_ROWS && b.colsContiguous() && b.rows() > 0;
    }

    /** {@code c[cOffset + i * ldc + j] += sum_k a(i, k) * b(k, j)}. */
    static void multiply(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc, boolean parallel) {
        Gemm.checkShapes(a, b, c, cOffset, ldc);
        int m = a.rows(), k = a.cols(), n = b.cols();
        if (m == 0 || n == 0 || k == 0) return;
        float[] x = new float[m * k];
        for (int i = 0; i < m; i++) {
            if (a.rowsContiguous()) Widen.run(a.segment(), a.dtype(), a.index(i, 0), x, i * k, k);
            else for (int p = 0; p < k; p++) x[i * k + p] = a.get(i, p);
        }
        int groups = Gemm.ceilDiv(n, GROUP);
        if (b.dtype() == DType.BF16 && b.rowStride() == 1 && k > 1) {
            multiplyBf16(b, x, m, k, groups, c, cOffset, ldc, parallel);
            return;
        }
        Parallel.RangeBody body = (g0, g1) -> {
            float[] scratch = new float[GROUP * Math.min(CHUNK, k)];
            float[] sums = new float[GROUP];
            for (int g = g0; g < g1; g++) group(b, g * GROUP, Math.min(GROUP, n - g * GROUP), x, m, k, scratch, sums, c, cOffset, ldc);
        };
        // At least ~256 KiB of weight per piece keeps the fork-join overhead small against the streaming time.
        int grain = Math.max(1, (1 << 18) / Math.max(1, k * b.dtype().byteSize() * GROUP));
        if (parallel) Parallel.forRange(groups, grain, body);
        else body.run(0, groups);
    }

    /**
     * BF16 weights skip the scratch: one 32-byte load holds 16 weights, and as little-endian ints the even
     * ones widen by a left shift and the odd ones by masking the low half. Dotting them with the even and odd
     * elements of x (split once per call) costs three integer ops per 16 weights, so the loop keeps up with memory.
     */
    private static void multiplyBf16(GemmOperand b, float[] x, int m, int k, int groups, float[] c, int cOffset, int ldc, boolean parallel) {
        int half = k / 2;
        float[] even = new float[m * half], odd = new float[m * half];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < half; j++) {
                even[i * half + j] = x[i * k + 2 * j];
                odd[i * half + j] = x[i * k + 2 * j + 1];
            }
        }
        int n = b.cols();
        MemorySegment seg = b.segment();
        // Heap weights (short[]) load through the array: vector loads of ints from a short[]-backed segment
        // are not intrinsified and run ~10x slower. For heap segments address() is the offset into the array.
        short[] array = seg.heapBase().orElse(null) instanceof short[] s ? s : null;
        long base = array != null ? seg.address() : 0;
        Parallel.RangeBody body = (g0, g1) -> {
            float[] sums = new float[GROUP];
            long[] rows = new long[GROUP];
            for (int g = g0; g < g1; g++) {
                int j0 = g * GROUP, cols = Math.min(GROUP, n - j0);
                for (int r = 0; r < GROUP; r++) rows[r] = b.index(0, j0 + (r < cols ? r : 0)) * 2;
                for (int i = 0; i < m; i++) {
                    dotBf16x4(seg, array, base, rows[0], rows[1], rows[2], rows[3], even, odd, i * half, half, sums);
                    int co = cOffset + i * ldc + j0;
                    for (int r = 0; r < cols; r++) {
                        float tail = (k & 1) == 0 ? 0f : x[i * k + k - 1] * HostAccess.bf16ToFloat(seg.get(HostAccess.I16, rows[r] + 2L * (k - 1)));
                        c[co + r] += sums[r] + tail;
                    }
                }
            }
        };
        int grain = Math.max(1, (1 << 18) / Math.max(1, k * 2 * GROUP));
        if (parallel) Parallel.forRange(groups, grain, body);
        else body.run(0, groups);
    }

    /** Dot products of four BF16 rows (byte offsets {@code r0..r3}) with x split into even and odd halves of {@code half} elements. */
    private static void dotBf16x4(MemorySegment w, short[] array, long base, long r0, long r1, long r2, long r3, float[] even, float[] odd, int xo, int half, float[] sums) {
        FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F), e2 = FloatVector.zero(F), e3 = FloatVector.zero(F);
        FloatVector o0 = FloatVector.zero(F), o1 = FloatVector.zero(F), o2 = FloatVector.zero(F), o3 = FloatVector.zero(F);
        int j = 0;
        for (; j + LANES <= half; j += LANES) {
            FloatVector xe = FloatVector.fromArray(F, even, xo + j), xodd = FloatVector.fromArray(F, odd, xo + j);
            long off = 4L * j;
            IntVector w0 = load(w, array, base, r0 + off);
            e0 = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e0);
            o0 = w0.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o0);
            IntVector w1 = load(w, array, base, r1 + off);
            e1 = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e1);
            o1 = w1.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o1);
            IntVector w2 = load(w, array, base, r2 + off);
            e2 = w2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e2);
            o2 = w2.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o2);
            IntVector w3 = load(w, array, base, r3 + off);
            e3 = w3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e3);
            o3 = w3.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o3);
        }
        float t0 = e0.add(o0).reduceLanes(VectorOperators.ADD), t1 = e1.add(o1).reduceLanes(VectorOperators.ADD);
        float t2 = e2.add(o2).reduceLanes(VectorOperators.ADD), t3 = e3.add(o3).reduceLanes(VectorOperators.ADD);
        for (; j < half; j++) {
            float xe = even[xo + j], xodd = odd[xo + j];
            t0 += xe * bf16(w, r0, 2 * j) + xodd * bf16(w, r0, 2 * j + 1);
            t1 += xe * bf16(w, r1, 2 * j) + xodd * bf16(w, r1, 2 * j + 1);
            t2 += xe * bf16(w, r2, 2 * j) + xodd * bf16(w, r2, 2 * j + 1);
            t3 += xe * bf16(w, r3, 2 * j) + xodd * bf16(w, r3, 2 * j + 1);
        }
        sums[0] = t0;
        sums[1] = t1;
        sums[2] = t2;
        sums[3] = t3;
    }

    /** Eight ints (sixteen BF16) at {@code byteOffset} of the weight, through its array when it has one. */
    private static IntVector load(MemorySegment w, short[] array, long base, long byteOffset) {
        return array != null
                ? ShortVector.fromArray(S16, array, (int) ((base + byteOffset) >>> 1)).reinterpretAsInts()
                : IntVector.fromMemorySegment(I, w, byteOffset, LE);
    }

    private static float bf16(MemorySegment w, long rowByteOffset, int index) {
        return HostAccess.bf16ToFloat(w.get(HostAccess.I16, rowByteOffset + 2L * index));
    }

    private static void group(GemmOperand b, int j0, int cols, float[] x, int m, int k, float[] scratch, float[] sums, float[] c, int cOffset, int ldc) {
        for (int k0 = 0; k0 < k; k0 += CHUNK) {
            int len = Math.min(CHUNK, k - k0);
            for (int r = 0; r < GROUP; r++) {
                // Short groups repeat their first column; those sums are not stored.
                int col = j0 + (r < cols ? r : 0);
                Widen.run(b.segment(), b.dtype(), b.index(k0, col), scratch, r * len, len);
            }
            for (int i = 0; i < m; i++) {
                dot4(x, i * k + k0, scratch, len, sums);
                int co = cOffset + i * ldc + j0;
                for (int r = 0; r < cols; r++) c[co + r] += sums[r];
            }
        }
    }

    /** {@code sums[r] = x[xo .. xo+len) . w[r*len .. (r+1)*len)} for the four rows of {@code w}. */
    private static void dot4(float[] x, int xo, float[] w, int len, float[] sums) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        int w1 = len, w2 = 2 * len, w3 = 3 * len;
        int p = 0;
        for (; p + LANES <= len; p += LANES) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + p);
            s0 = FloatVector.fromArray(F, w, p).fma(xv, s0);
            s1 = FloatVector.fromArray(F, w, w1 + p).fma(xv, s1);
            s2 = FloatVector.fromArray(F, w, w2 + p).fma(xv, s2);
            s3 = FloatVector.fromArray(F, w, w3 + p).fma(xv, s3);
        }
        float t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
        float t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < len; p++) {
            float xv = x[xo + p];
            t0 += xv * w[p];
            t1 += xv * w[w1 + p];
            t2 += xv * w[w2 + p];
            t3 += xv * w[w3 + p];
        }
        sums[0] = t0;
        sums[1] = t1;
        sums[2] = t2;
        sums[3] = t3;
    }
}

package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Species.F;
import static org.efuf4j.tensor.cpu.Species.LANES;

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
import org.efuf4j.tensor.Parallel;

/**
 * {@code C += A B} for a few rows of A against a B whose columns are contiguous, i.e. activations times a
 * weight stored {@code [out, in]} (decoding one token). The weight is streamed from memory exactly once, four or
 * eight weight rows at a time ({@link #F32_GROUP}, {@link #BF16_GROUP}), each dotted with every row of A while it is in cache, so the kernel is bound by memory
 * bandwidth, not by packing. F32 and BF16 weights are read where they lie; F16 (and strided) ones are widened
 * chunk by chunk into an L1-resident scratch first.
 */
final class Gemv {
    /** Largest M handled here; above it the packed GEMM reuses B well enough. */
    static final int MAX_ROWS = 4;
    private static final int GROUP = 4;
    /**
     * Weight rows streamed at once by the in-place F32 kernel: eight on every host. More rows in flight keep more of
     * memory's parallelism busy; the eight accumulators, x and a load fit in 16 registers as well as in 32. On an
     * AVX-512 AMD EPYC (2 vCPUs, 2026-12-07) x @ W^T at 8192 went from 0.84 to 0.95 of NumPy with eight rows, and
     * with {@code -XX:UseAVX=2} (the 256-bit path) from 0.82 to 0.85 at 8192 and 0.57 to 0.75 at 4096. Each output
     * is still one row's dot product in the same order, so the bits do not depend on the group.
     */
    static final int F32_GROUP = 8;
    /**
     * The same for BF16 weights, whose even and odd halves take two accumulators a row: eight rows (16 accumulators)
     * where there are 32 vector registers, four with 16. On the AVX-512 EPYC a 8192 x 8192 BF16 product read 23.7
     * GB/s on one thread with eight rows against 19.8 with four, and 37-44 GB/s on two against 25-35 (medians of 41).
     */
    static final int BF16_GROUP = Gemm.WIDE ? 8 : 4;
    private static final int CHUNK = 1024;
    /** Most depth pieces of a row-major product (see {@link #multiplyRows}). */
    private static final int MAX_PIECES = 8;
    private static final VectorSpecies<Integer> I = Species.of(int.class, F.vectorBitSize());
    private static final VectorSpecies<Short> S16 = Species.of(short.class, F.vectorBitSize());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HIGH_HALF = 0xffff0000;

    private Gemv() {}

    static boolean applies(GemmOperand a, GemmOperand b) {
        return a.rows() <= MAX_ROWS && b.rows() > 0 && (b.colsContiguous() || rowsInPlace(b));
    }

    /** An F32 B whose rows are contiguous (a row-major right operand, as in {@code dY W}): read in place, row by row. */
    private static boolean rowsInPlace(GemmOperand b) {
        return b.dtype() == DType.F32 && b.colStride() == 1;
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
        if (!b.colsContiguous()) {
            multiplyRows(b, x, m, k, c, cOffset, ldc, parallel);
            return;
        }
        if (b.dtype() == DType.BF16 && b.rowStride() == 1 && k > 1) {
            multiplyBf16(b, x, m, k, Gemm.ceilDiv(n, BF16_GROUP), c, cOffset, ldc, parallel);
            return;
        }
        if (b.dtype() == DType.F32 && b.rowStride() == 1) {
            multiplyF32(b, x, m, k, Gemm.ceilDiv(n, F32_GROUP), c, cOffset, ldc, parallel);
            return;
        }
        int groups = Gemm.ceilDiv(n, GROUP);
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
     * {@code C += x B} for a row-major F32 B: four whole rows of B at a time are added into each output row
     * ({@code c += x[p] B[p] + ... + x[p+3] B[p+3]}), so B streams through once, front to back, while the output rows
     * stay in cache. The depth is cut into pieces (one contiguous run of B each) that accumulate into private partial
     * rows, summed in order at the end. (The packed GEMM ran these shapes at 3-5 GFLOP/s, packing all of B to
     * use it once; reading B in column chunks ran 4-10 at n >= 2048, its short runs defeating the prefetchers.)
     */
    private static void multiplyRows(GemmOperand b, float[] x, int m, int k, float[] c, int cOffset, int ldc, boolean parallel) {
        int n = b.cols();
        MemorySegment seg = b.segment();
        float[] array = b.heapFloats();
        long first = (array != null ? seg.address() / 4 : 0) + b.index(0, 0), step = b.rowStride();
        // Pieces of at least ~256 KiB of B, at most 8, chosen from the shape alone: the sum's rounding then does not
        // depend on the thread count (or on whether the call runs in parallel).
        int pieces = (int) Math.max(1, Math.min(Math.min(MAX_PIECES, (long) k * n * 4 / (1 << 18)), k / 4));
        if (pieces == 1) {
            addRows(seg, array, first, step, x, m, k, 0, k, c, cOffset, ldc, n);
            return;
        }
        float[][] partial = new float[pieces][m * n];
        Parallel.RangeBody body = (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int p0 = (int) ((long) k * t / pieces) & ~3, p1 = t == pieces - 1 ? k : (int) ((long) k * (t + 1) / pieces) & ~3;
                addRows(seg, array, first, step, x, m, k, p0, p1, partial[t], 0, n, n);
            }
        };
        if (parallel) Parallel.forRange(pieces, 1, body);
        else body.run(0, pieces);
        for (float[] part : partial) {
            for (int i = 0; i < m; i++) {
                int co = cOffset + i * ldc, po = i * n, j = 0;
                for (; j + LANES <= n; j += LANES)
                    FloatVector.fromArray(F, c, co + j).add(FloatVector.fromArray(F, part, po + j)).intoArray(c, co + j);
                for (; j < n; j++) c[co + j] += part[po + j];
            }
        }
    }

    /** {@code C[i, 0..cols) += sum_{p in [p0, p1)} x[i, p] B[p, 0..cols)} for every row {@code i} of x, four rows of B at a time. */
    private static void addRows(MemorySegment w, float[] array, long first, long step, float[] x, int m, int k, int p0, int p1,
            float[] c, int cOffset, int ldc, int cols) {
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            for (int i = 0; i < m; i++) addRows4(w, array, first + p * step, step, x, i * k + p, c, cOffset + i * ldc, cols);
        }
        for (; p < p1; p++) {
            for (int i = 0; i < m; i++) addRow(w, array, first + p * step, x[i * k + p], c, cOffset + i * ldc, cols);
        }
    }

    /** {@code c[co .. co+cols) += sum_t x[xo+t] B[r + t*step ..]} over four rows {@code t} of B. */
    private static void addRows4(MemorySegment w, float[] array, long r, long step, float[] x, int xo, float[] c, int co, int cols) {
        FloatVector a0 = FloatVector.broadcast(F, x[xo]), a1 = FloatVector.broadcast(F, x[xo + 1]);
        FloatVector a2 = FloatVector.broadcast(F, x[xo + 2]), a3 = FloatVector.broadcast(F, x[xo + 3]);
        long r1 = r + step, r2 = r1 + step, r3 = r2 + step;
        int j = 0;
        for (; j + LANES <= cols; j += LANES) {
            FloatVector acc = FloatVector.fromArray(F, c, co + j);
            acc = load(w, array, r + j).fma(a0, acc);
            acc = load(w, array, r1 + j).fma(a1, acc);
            acc = load(w, array, r2 + j).fma(a2, acc);
            acc = load(w, array, r3 + j).fma(a3, acc);
            acc.intoArray(c, co + j);
        }
        if (j < cols) {
            VectorMask<Float> mask = F.indexInRange(j, cols);
            FloatVector acc = FloatVector.fromArray(F, c, co + j, mask);
            acc = load(w, array, r + j, mask).fma(a0, acc);
            acc = load(w, array, r1 + j, mask).fma(a1, acc);
            acc = load(w, array, r2 + j, mask).fma(a2, acc);
            acc = load(w, array, r3 + j, mask).fma(a3, acc);
            acc.intoArray(c, co + j, mask);
        }
    }

    /** {@code c[co .. co+cols) += xp B[r ..]}: one row of B, for a depth not divisible by four. */
    private static void addRow(MemorySegment w, float[] array, long r, float xp, float[] c, int co, int cols) {
        FloatVector a = FloatVector.broadcast(F, xp);
        for (int j = 0; j < cols; j += LANES) {
            VectorMask<Float> mask = F.indexInRange(j, cols);
            load(w, array, r + j, mask).fma(a, FloatVector.fromArray(F, c, co + j, mask)).intoArray(c, co + j, mask);
        }
    }

    /** {@link #load(MemorySegment, float[], long)} of the lanes in {@code mask} only. */
    private static FloatVector load(MemorySegment w, float[] array, long at, VectorMask<Float> mask) {
        return array != null ? FloatVector.fromArray(F, array, (int) at, mask) : FloatVector.fromMemorySegment(F, w, 4 * at, LE, mask);
    }

    /** Eight floats at element {@code at} of an F32 weight, through its array when it has one. */
    private static FloatVector load(MemorySegment w, float[] array, long at) {
        return array != null ? FloatVector.fromArray(F, array, (int) at) : FloatVector.fromMemorySegment(F, w, 4 * at, LE);
    }

    /**
     * F32 weights are dotted where they lie, a heap array or a mapped file: widening them into the scratch first
     * would be a plain copy, which doubled the time of a 1 x 256 x 256 product and was 2.5x at 1 x 2048 x 2048.
     */
    private static void multiplyF32(GemmOperand b, float[] x, int m, int k, int groups, float[] c, int cOffset, int ldc, boolean parallel) {
        int n = b.cols();
        MemorySegment seg = b.segment();
        float[] array = b.heapFloats();
        long base = array != null ? seg.address() / 4 : 0;
        Parallel.RangeBody body = (g0, g1) -> {
            float[] sums = new float[F32_GROUP];
            long[] rows = new long[F32_GROUP];
            for (int g = g0; g < g1; g++) {
                int j0 = g * F32_GROUP, cols = Math.min(F32_GROUP, n - j0);
                // short groups repeat their first column; those sums are not stored
                for (int r = 0; r < F32_GROUP; r++) rows[r] = base + b.index(0, j0 + (r < cols ? r : 0));
                for (int i = 0; i < m; i++) {
                    dotF32x8(seg, array, rows, x, i * k, k, sums);
                    int co = cOffset + i * ldc + j0;
                    for (int r = 0; r < cols; r++) c[co + r] += sums[r];
                }
            }
        };
        int grain = Math.max(1, (1 << 18) / Math.max(1, k * 4 * F32_GROUP));
        if (parallel) Parallel.forRange(groups, grain, body);
        else body.run(0, groups);
    }

    /**
     * {@code sums[r] = x[xo .. xo+len) . w[wr .. wr+len)} for four rows of an F32 weight starting at elements
     * {@code r0..r3}, read through its array when it has one (the same branch on every step: C2 unswitches it).
     */
    static void dotF32x4(MemorySegment w, float[] array, long r0, long r1, long r2, long r3, float[] x, int xo, int len, float[] sums) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        int p = 0;
        for (; p + LANES <= len; p += LANES) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + p);
            s0 = load(w, array, r0 + p).fma(xv, s0);
            s1 = load(w, array, r1 + p).fma(xv, s1);
            s2 = load(w, array, r2 + p).fma(xv, s2);
            s3 = load(w, array, r3 + p).fma(xv, s3);
        }
        // the exact lane sum in either mode of VectorMath: one per dot of a whole row, so it costs nothing measurable,
        // and a matrix-vector product then gives the same bits before and after C2 compiles this method
        float t0 = VectorMath.exactSum(s0), t1 = VectorMath.exactSum(s1);
        float t2 = VectorMath.exactSum(s2), t3 = VectorMath.exactSum(s3);
        for (; p < len; p++) {
            float xv = x[xo + p];
            t0 += xv * element(w, array, r0 + p);
            t1 += xv * element(w, array, r1 + p);
            t2 += xv * element(w, array, r2 + p);
            t3 += xv * element(w, array, r3 + p);
        }
        sums[0] = t0;
        sums[1] = t1;
        sums[2] = t2;
        sums[3] = t3;
    }

    private static float element(MemorySegment w, float[] array, long at) {
        return array != null ? array[(int) at] : w.get(HostAccess.F32, 4 * at);
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
            float[] sums = new float[BF16_GROUP];
            long[] rows = new long[BF16_GROUP];
            for (int g = g0; g < g1; g++) {
                int j0 = g * BF16_GROUP, cols = Math.min(BF16_GROUP, n - j0);
                for (int r = 0; r < BF16_GROUP; r++) rows[r] = b.index(0, j0 + (r < cols ? r : 0)) * 2;
                for (int i = 0; i < m; i++) {
                    if (BF16_GROUP == 8) dotBf16x8(seg, rows, even, odd, i * half, half, sums);
                    else dotBf16x4(seg, array, base, rows[0], rows[1], rows[2], rows[3], even, odd, i * half, half, sums);
                    int co = cOffset + i * ldc + j0;
                    for (int r = 0; r < cols; r++) {
                        float tail = (k & 1) == 0 ? 0f : x[i * k + k - 1] * HostAccess.bf16ToFloat(seg.get(HostAccess.I16, rows[r] + 2L * (k - 1)));
                        c[co + r] += sums[r] + tail;
                    }
                }
            }
        };
        int grain = Math.max(1, (1 << 18) / Math.max(1, k * 2 * BF16_GROUP));
        if (parallel) Parallel.forRange(groups, grain, body);
        else body.run(0, groups);
    }

    /** Dot products of four BF16 rows (byte offsets {@code r0..r3}) with x split into even and odd halves of {@code half} elements. */
    static void dotBf16x4(MemorySegment w, short[] array, long base, long r0, long r1, long r2, long r3, float[] even, float[] odd, int xo, int half, float[] sums) {
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
        // exact lane sums for the reason given in dotF32x4
        float t0 = VectorMath.exactSum(e0.add(o0)), t1 = VectorMath.exactSum(e1.add(o1));
        float t2 = VectorMath.exactSum(e2.add(o2)), t3 = VectorMath.exactSum(e3.add(o3));
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

    /**
     * {@link #dotF32x4} for eight rows (offsets {@code rows[0..7]}), the {@link #F32_GROUP} on every host: each
     * row's sum is formed exactly as there.
     */
    static void dotF32x8(MemorySegment w, float[] array, long[] rows, float[] x, int xo, int len, float[] sums) {
        long r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5], r6 = rows[6], r7 = rows[7];
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        int p = 0;
        for (; p + LANES <= len; p += LANES) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + p);
            s0 = load(w, array, r0 + p).fma(xv, s0);
            s1 = load(w, array, r1 + p).fma(xv, s1);
            s2 = load(w, array, r2 + p).fma(xv, s2);
            s3 = load(w, array, r3 + p).fma(xv, s3);
            s4 = load(w, array, r4 + p).fma(xv, s4);
            s5 = load(w, array, r5 + p).fma(xv, s5);
            s6 = load(w, array, r6 + p).fma(xv, s6);
            s7 = load(w, array, r7 + p).fma(xv, s7);
        }
        sums[0] = finishF32(s0, w, array, rows[0], x, xo, p, len);
        sums[1] = finishF32(s1, w, array, rows[1], x, xo, p, len);
        sums[2] = finishF32(s2, w, array, rows[2], x, xo, p, len);
        sums[3] = finishF32(s3, w, array, rows[3], x, xo, p, len);
        sums[4] = finishF32(s4, w, array, rows[4], x, xo, p, len);
        sums[5] = finishF32(s5, w, array, rows[5], x, xo, p, len);
        sums[6] = finishF32(s6, w, array, rows[6], x, xo, p, len);
        sums[7] = finishF32(s7, w, array, rows[7], x, xo, p, len);
    }

    /** One row's dot from its lane sums and the scalar tail from {@code p} on, in {@link #dotF32x4}'s order. */
    private static float finishF32(FloatVector acc, MemorySegment w, float[] array, long row, float[] x, int xo, int p, int len) {
        float t = VectorMath.exactSum(acc);
        for (int q = p; q < len; q++) t += x[xo + q] * element(w, array, row + q);
        return t;
    }

    /**
     * {@link #dotBf16x4} for eight rows (byte offsets {@code rows[0..7]} into {@code w}), the {@link #BF16_GROUP} of
     * 512-bit vectors: each row's sum is formed exactly as there. One load path for heap and mapped weights: short
     * loads from a {@code short[]}-backed segment are intrinsified (int loads are not, hence {@link #load}'s array
     * branch), and with eight rows that branch stayed in the loop and ran at a third of the speed.
     */
    static void dotBf16x8(MemorySegment w, long[] rows, float[] even, float[] odd, int xo, int half, float[] sums) {
        long r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5], r6 = rows[6], r7 = rows[7];
        FloatVector e0 = FloatVector.zero(F), e1 = e0, e2 = e0, e3 = e0, e4 = e0, e5 = e0, e6 = e0, e7 = e0;
        FloatVector o0 = e0, o1 = e0, o2 = e0, o3 = e0, o4 = e0, o5 = e0, o6 = e0, o7 = e0;
        int j = 0;
        for (; j + LANES <= half; j += LANES) {
            FloatVector xe = FloatVector.fromArray(F, even, xo + j), xodd = FloatVector.fromArray(F, odd, xo + j);
            long off = 4L * j;
            IntVector w0 = ShortVector.fromMemorySegment(S16, w, r0 + off, LE).reinterpretAsInts();
            e0 = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e0);
            o0 = w0.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o0);
            IntVector w1 = ShortVector.fromMemorySegment(S16, w, r1 + off, LE).reinterpretAsInts();
            e1 = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e1);
            o1 = w1.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o1);
            IntVector w2 = ShortVector.fromMemorySegment(S16, w, r2 + off, LE).reinterpretAsInts();
            e2 = w2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e2);
            o2 = w2.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o2);
            IntVector w3 = ShortVector.fromMemorySegment(S16, w, r3 + off, LE).reinterpretAsInts();
            e3 = w3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e3);
            o3 = w3.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o3);
            IntVector w4 = ShortVector.fromMemorySegment(S16, w, r4 + off, LE).reinterpretAsInts();
            e4 = w4.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e4);
            o4 = w4.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o4);
            IntVector w5 = ShortVector.fromMemorySegment(S16, w, r5 + off, LE).reinterpretAsInts();
            e5 = w5.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e5);
            o5 = w5.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o5);
            IntVector w6 = ShortVector.fromMemorySegment(S16, w, r6 + off, LE).reinterpretAsInts();
            e6 = w6.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e6);
            o6 = w6.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o6);
            IntVector w7 = ShortVector.fromMemorySegment(S16, w, r7 + off, LE).reinterpretAsInts();
            e7 = w7.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e7);
            o7 = w7.and(HIGH_HALF).reinterpretAsFloats().fma(xodd, o7);
        }
        sums[0] = finishBf16(e0.add(o0), w, rows[0], even, odd, xo, j, half);
        sums[1] = finishBf16(e1.add(o1), w, rows[1], even, odd, xo, j, half);
        sums[2] = finishBf16(e2.add(o2), w, rows[2], even, odd, xo, j, half);
        sums[3] = finishBf16(e3.add(o3), w, rows[3], even, odd, xo, j, half);
        sums[4] = finishBf16(e4.add(o4), w, rows[4], even, odd, xo, j, half);
        sums[5] = finishBf16(e5.add(o5), w, rows[5], even, odd, xo, j, half);
        sums[6] = finishBf16(e6.add(o6), w, rows[6], even, odd, xo, j, half);
        sums[7] = finishBf16(e7.add(o7), w, rows[7], even, odd, xo, j, half);
    }

    /** One row's dot from its lane sums and the scalar tail from {@code j} on, in {@link #dotBf16x4}'s order. */
    private static float finishBf16(FloatVector acc, MemorySegment w, long row, float[] even, float[] odd, int xo, int j, int half) {
        float t = VectorMath.exactSum(acc);
        for (int q = j; q < half; q++) t += even[xo + q] * bf16(w, row, 2 * q) + odd[xo + q] * bf16(w, row, 2 * q + 1);
        return t;
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
        dotF32x4(null, w, 0, len, 2L * len, 3L * len, x, xo, len, sums);
    }
}

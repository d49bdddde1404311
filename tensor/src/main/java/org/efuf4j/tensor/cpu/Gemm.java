package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Widen.F;
import static org.efuf4j.tensor.cpu.Widen.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Parallel;

/**
 * Packed, cache-blocked F32 GEMM {@code C += A B} in the BLIS/Goto structure, for AVX2-class cores.
 *
 * <p>Loops from the outside in: column blocks of {@link #NC} (the packed B block stays in L3), depth blocks of
 * {@link #KC}, row blocks of at most {@link #MC} (one packed A block per worker, in its L2), then
 * {@link #NR}-wide B micro-panels against {@link #MR}-tall A micro-panels in a register-blocked
 * {@code 3 x 24} micro-kernel (see {@link #kernel} for why this shape). A deep {@code KC} halves the number
 * of passes over C and the per-call overhead of the micro-kernel, which measured faster than keeping the B
 * micro-panel inside L1.
 *
 * <p>Packing reads any strides (row-major, transposed, general) and widens BF16/F16 B operands, so the
 * micro-kernel only ever sees F32. Work is split over the shared {@link Parallel} pool as one rectangle of C
 * per worker, each running the whole loop nest on its own packed copies (see {@link #multiply}).
 */
final class Gemm {
    static final int MR = 3;
    static final int NR = 3 * LANES;
    static final int KC = 512;
    static final int MC = 144;
    static final int NC = 4080;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Per-thread packing buffers and C tile. Each is only touched inside one work unit, which runs to the end
     * without waiting on other tasks, so a worker that helps with another GEMM while joining never finds one
     * half-used. Reusing them also keeps multi-megabyte packed B blocks out of the allocator on every call.
     */
    private static final ThreadLocal<float[]> A_BLOCK = ThreadLocal.withInitial(() -> new float[MC * KC]);
    private static final ThreadLocal<float[][]> B_BLOCK = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<float[]> C_TILE = ThreadLocal.withInitial(() -> new float[MC * NR]);
    private static final ThreadLocal<float[]> ROW_SCRATCH = ThreadLocal.withInitial(() -> new float[KC]);

    /** Below this many multiply-adds (tens of microseconds) handing work to the pool costs more than it saves. */
    static final long MIN_PARALLEL_MACS = 1L << 20;

    /**
     * Relative cost of packing one element against one multiply-add of the micro-kernel (which retires 16 per
     * cycle; packing moves about one element per cycle). Used only to pick the split between workers.
     */
    private static final long PACK_COST = 16;

    private Gemm() {}

    static void checkShapes(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc) {
        if (a.cols() != b.rows())
            throw new IllegalArgumentException("GEMM inner dimensions differ: A is " + a.rows() + "x" + a.cols() + ", B is " + b.rows() + "x" + b.cols());
        if (ldc < b.cols()) throw new IllegalArgumentException("GEMM output leading dimension " + ldc + " < N = " + b.cols());
        if (a.rows() > 0 && b.cols() > 0 && cOffset + (long) (a.rows() - 1) * ldc + b.cols() > c.length)
            throw new IllegalArgumentException("GEMM output of " + c.length + " floats cannot hold " + a.rows() + "x" + b.cols() + " at offset " + cOffset);
    }

    /**
     * {@code c[cOffset + i * ldc + j] += sum_k a(i, k) * b(k, j)}, split over the shared pool when {@code parallel}.
     *
     * <p>C is cut into one rectangle per worker ({@link Split}) and each worker runs the whole blocked loop nest on
     * its rectangle, packing the A rows and B columns it needs itself. That is one fork and one join per GEMM:
     * sharing one packed B block between workers would need a barrier after every packing step (two pool
     * handoffs per {@code KC} block), which cost more than packing a strip of A or B twice.
     */
    static void multiply(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc, boolean parallel) {
        checkShapes(a, b, c, cOffset, ldc);
        int m = a.rows(), n = b.cols(), k = a.cols();
        if (m == 0 || n == 0 || k == 0) return;
        int threads = parallel && (long) m * n * k >= MIN_PARALLEL_MACS ? Parallel.threads() : 1;
        Split split = Split.choose(m, n, k, threads);
        if (split.parts() == 1) {
            multiplySequential(a, b, c, cOffset, ldc);
            return;
        }
        Parallel.forRange(split.parts(), 1, (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int i0 = split.rowStart(u, m), i1 = split.rowEnd(u, m);
                int j0 = split.colStart(u, n), j1 = split.colEnd(u, n);
                if (i0 < i1 && j0 < j1)
                    multiplySequential(a.rowRange(i0, i1 - i0), b.colRange(j0, j1 - j0), c, cOffset + i0 * ldc + j0, ldc);
            }
        });
    }

    /**
     * A grid of {@code rowParts x colParts} rectangles of C, cut on {@link #MR} / {@link #NR} boundaries so no
     * worker pays for padded micro-tiles in the middle of C.
     */
    record Split(int rowParts, int colParts, int rowPanelsPerPart, int colPanelsPerPart) {
        int parts() { return rowParts * colParts; }

        int rowStart(int unit, int m) { return Math.min(m, unit / colParts * rowPanelsPerPart * MR); }

        int rowEnd(int unit, int m) { return Math.min(m, (unit / colParts + 1) * rowPanelsPerPart * MR); }

        int colStart(int unit, int n) { return Math.min(n, unit % colParts * colPanelsPerPart * NR); }

        int colEnd(int unit, int n) { return Math.min(n, (unit % colParts + 1) * colPanelsPerPart * NR); }

        /**
         * The grid over at most {@code threads} workers that minimises the slowest worker's time: its padded
         * multiply-adds plus {@link #PACK_COST} per element of the A strip and B strip it packs. Splitting the rows
         * makes every worker pack all of B; splitting the columns makes every worker pack all of A.
         */
        static Split choose(int m, int n, int k, int threads) {
            int rowPanels = ceilDiv(m, MR), colPanels = ceilDiv(n, NR);
            Split best = new Split(1, 1, rowPanels, colPanels);
            long bestCost = Long.MAX_VALUE;
            for (int t = threads; t >= 1; t--) {
                for (int rowParts = 1; rowParts <= t; rowParts++) {
                    if (t % rowParts != 0) continue;
                    int colParts = t / rowParts;
                    if (rowParts > rowPanels || colParts > colPanels) continue;
                    int rp = ceilDiv(rowPanels, rowParts), cp = ceilDiv(colPanels, colParts);
                    long rows = (long) rp * MR, cols = (long) cp * NR;
                    long cost = rows * cols * k + PACK_COST * k * (rows + cols);
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = new Split(ceilDiv(rowPanels, rp), ceilDiv(colPanels, cp), rp, cp);
                    }
                }
                if (bestCost != Long.MAX_VALUE) break; // the most workers that fit; fewer only when none do
            }
            return best;
        }
    }

    /** The blocked loop nest on one thread: column blocks of {@link #NC}, depth blocks of {@link #KC}, row blocks of {@link #MC}. */
    private static void multiplySequential(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc) {
        int m = a.rows(), n = b.cols(), k = a.cols();
        float[] packedB = packedBBuffer(Math.min(NC, roundUp(n, NR)) * Math.min(KC, k));
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b.rowRange(pc, kc).colRange(jc, nc), packedB);
                GemmOperand aDepth = a.colRange(pc, kc);
                for (int i0 = 0; i0 < m; i0 += MC) {
                    int rows = Math.min(MC, m - i0);
                    computeBlock(aDepth.rowRange(i0, rows), packedB, nc, kc, c, cOffset + i0 * ldc + jc, ldc);
                }
            }
        }
    }

    /** This thread's packed-B buffer, grown to at least {@code size} floats (at most {@code NC * KC}). */
    private static float[] packedBBuffer(int size) {
        float[][] holder = B_BLOCK.get();
        if (holder[0].length < size) holder[0] = new float[size];
        return holder[0];
    }

    /**
     * One row block of A against every B micro-panel of the packed block. Each column panel of C is
     * first gathered into a small contiguous tile: the kernels then hit L1 instead of missing on C rows a whole
     * leading dimension apart, and the zero padding of the packed operands makes every tile full-sized.
     */
    private static void computeBlock(GemmOperand aBlock, float[] packedB, int nc, int kc, float[] c, int cBase, int ldc) {
        int rows = aBlock.rows();
        float[] packedA = A_BLOCK.get();
        packA(aBlock, packedA, kc);
        int aPanels = ceilDiv(rows, MR);
        float[] tile = C_TILE.get();
        for (int q = 0, panels = ceilDiv(nc, NR); q < panels; q++) {
            int j0 = q * NR, cols = Math.min(NR, nc - j0);
            int bOff = q * NR * kc;
            moveTile(c, cBase + j0, ldc, tile, rows, cols, true);
            for (int ip = 0; ip < aPanels; ip++) kernel(packedA, ip * MR * kc, packedB, bOff, kc, tile, ip * MR * NR, NR);
            moveTile(c, cBase + j0, ldc, tile, rows, cols, false);
        }
    }

    /** Copies {@code rows x cols} of C into the {@code NR}-wide tile (zero-padding its unused columns), or back. */
    private static void moveTile(float[] c, int cOff, int ldc, float[] tile, int rows, int cols, boolean intoTile) {
        for (int i = 0; i < rows; i++) {
            int co = cOff + i * ldc, to = i * NR;
            if (cols == NR) {
                for (int v = 0; v < NR; v += LANES) {
                    if (intoTile) FloatVector.fromArray(F, c, co + v).intoArray(tile, to + v);
                    else FloatVector.fromArray(F, tile, to + v).intoArray(c, co + v);
                }
            } else if (intoTile) {
                System.arraycopy(c, co, tile, to, cols);
                java.util.Arrays.fill(tile, to + cols, to + NR, 0f);
            } else {
                System.arraycopy(tile, to, c, co, cols);
            }
        }
    }

    /**
     * The register-blocked micro-kernel: {@code C[3 x 24] += Apanel[3 x kc] Bpanel[kc x 24]}. Nine accumulators
     * (more than the 4-cycle FMA latency times two pipes needs), three B vectors and three broadcasts make 15
     * live ymm registers: C2 hoists every load of an iteration to its top, so taller tiles (6 x 16) spill an
     * accumulator through the stack on every step and run at half speed.
     */
    private static void kernel(float[] pa, int aOff, float[] pb, int bOff, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR, bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + LANES);
            FloatVector b2 = FloatVector.fromArray(F, pb, bi + 2 * LANES);
            FloatVector av = FloatVector.broadcast(F, pa[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02);
            av = FloatVector.broadcast(F, pa[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12);
            av = FloatVector.broadcast(F, pa[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22);
        }
        addRow(c, cOff, c00, c01, c02);
        addRow(c, cOff + ldc, c10, c11, c12);
        addRow(c, cOff + 2 * ldc, c20, c21, c22);
    }

    private static void addRow(float[] c, int off, FloatVector v0, FloatVector v1, FloatVector v2) {
        v0.add(FloatVector.fromArray(F, c, off)).intoArray(c, off);
        v1.add(FloatVector.fromArray(F, c, off + LANES)).intoArray(c, off + LANES);
        v2.add(FloatVector.fromArray(F, c, off + 2 * LANES)).intoArray(c, off + 2 * LANES);
    }

    // ---------------------------------------------------------------- packing

    /** A block {@code [rows x kc]} into MR-row panels: panel {@code ip}, step {@code p}, row {@code r} at {@code ip*MR*kc + p*MR + r}; short panels padded with zeros. */
    private static void packA(GemmOperand a, float[] pa, int kc) {
        int rows = a.rows();
        int panels = ceilDiv(rows, MR);
        if (a.rowsContiguous()) {
            float[] row = ROW_SCRATCH.get();
            for (int i = 0; i < rows; i++) {
                Widen.run(a.segment(), a.dtype(), a.index(i, 0), row, 0, kc);
                int base = (i / MR) * MR * kc + i % MR;
                for (int p = 0; p < kc; p++) pa[base + p * MR] = row[p];
            }
        } else if (a.dtype() == DType.F32) {
            MemorySegment s = a.segment();
            for (int i = 0; i < rows; i++) {
                int base = (i / MR) * MR * kc + i % MR;
                long src = a.index(i, 0), step = a.colStride();
                for (int p = 0; p < kc; p++) pa[base + p * MR] = s.get(HostAccess.F32, (src + p * step) * 4);
            }
        } else {
            for (int i = 0; i < rows; i++) {
                int base = (i / MR) * MR * kc + i % MR;
                for (int p = 0; p < kc; p++) pa[base + p * MR] = a.get(i, p);
            }
        }
        for (int i = rows; i < panels * MR; i++) {
            int base = (i / MR) * MR * kc + i % MR;
            for (int p = 0; p < kc; p++) pa[base + p * MR] = 0f;
        }
    }

    /** A {@code [kc x nc]} block into NR-column micro-panels: panel {@code q}, step {@code p}, column {@code j} at {@code q*NR*kc + p*NR + j}. */
    private static void packB(GemmOperand b, float[] pb) {
        int kc = b.rows(), nc = b.cols();
        for (int q = 0, panels = ceilDiv(nc, NR); q < panels; q++) {
            int j0 = q * NR, cols = Math.min(NR, nc - j0);
            int base = q * NR * kc;
            if (cols == NR && b.colStride() == 1) packRowMajorPanel(b, j0, pb, base);
            else if (b.colsContiguous()) packColumnMajorPanel(b, j0, cols, pb, base);
            else {
                for (int p = 0; p < kc; p++)
                    for (int j = 0; j < NR; j++) pb[base + p * NR + j] = j < cols ? b.get(p, j0 + j) : 0f;
            }
        }
    }

    /** Full-width panel whose rows are contiguous: (widened) vector loads, NR / LANES per step. */
    private static void packRowMajorPanel(GemmOperand b, int j0, float[] pb, int base) {
        MemorySegment s = b.segment();
        int kc = b.rows();
        long rs = b.rowStride(), src = b.index(0, j0);
        switch (b.dtype()) {
            case F32 -> {
                for (int p = 0; p < kc; p++) {
                    long o = (src + p * rs) * 4;
                    for (int v = 0; v < NR; v += LANES) FloatVector.fromMemorySegment(F, s, o + 4L * v, LE).intoArray(pb, base + p * NR + v);
                }
            }
            case BF16 -> {
                for (int p = 0; p < kc; p++) {
                    long o = (src + p * rs) * 2;
                    for (int v = 0; v < NR; v += LANES) Widen.bf16Vector(s, o + 2L * v).intoArray(pb, base + p * NR + v);
                }
            }
            case F16 -> {
                for (int p = 0; p < kc; p++) {
                    long o = (src + p * rs) * 2;
                    for (int v = 0; v < NR; v += LANES) Widen.f16Vector(s, o + 2L * v).intoArray(pb, base + p * NR + v);
                }
            }
            default -> throw new IllegalArgumentException("cannot pack " + b.dtype());
        }
    }

    /** Panel whose columns are contiguous (a transposed weight): widen each column as a run, then interleave. */
    private static void packColumnMajorPanel(GemmOperand b, int j0, int cols, float[] pb, int base) {
        int kc = b.rows();
        float[] column = ROW_SCRATCH.get();
        for (int j = 0; j < NR; j++) {
            if (j < cols) {
                Widen.run(b.segment(), b.dtype(), b.index(0, j0 + j), column, 0, kc);
                for (int p = 0; p < kc; p++) pb[base + p * NR + j] = column[p];
            } else {
                for (int p = 0; p < kc; p++) pb[base + p * NR + j] = 0f;
            }
        }
    }

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    static int roundUp(int a, int b) { return ceilDiv(a, b) * b; }
}

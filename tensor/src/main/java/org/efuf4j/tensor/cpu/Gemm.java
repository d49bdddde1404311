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
 * micro-kernel only ever sees F32. Work is split over the shared {@link Parallel} pool: all workers pack
 * the shared B block together, then each takes row blocks (or, when M is small, column ranges).
 */
final class Gemm {
    static final int MR = 3;
    static final int NR = 3 * LANES;
    static final int KC = 512;
    static final int MC = 144;
    static final int NC = 4080;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Per-worker packed A block; only touched inside one work unit, which never waits on other tasks. */
    private static final ThreadLocal<float[]> A_BLOCK = ThreadLocal.withInitial(() -> new float[MC * KC]);
    private static final ThreadLocal<float[]> C_TILE = ThreadLocal.withInitial(() -> new float[MC * NR]);
    private static final ThreadLocal<float[]> ROW_SCRATCH = ThreadLocal.withInitial(() -> new float[KC]);

    private Gemm() {}

    static void checkShapes(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc) {
        if (a.cols() != b.rows())
            throw new IllegalArgumentException("GEMM inner dimensions differ: A is " + a.rows() + "x" + a.cols() + ", B is " + b.rows() + "x" + b.cols());
        if (ldc < b.cols()) throw new IllegalArgumentException("GEMM output leading dimension " + ldc + " < N = " + b.cols());
        if (a.rows() > 0 && b.cols() > 0 && cOffset + (long) (a.rows() - 1) * ldc + b.cols() > c.length)
            throw new IllegalArgumentException("GEMM output of " + c.length + " floats cannot hold " + a.rows() + "x" + b.cols() + " at offset " + cOffset);
    }

    /** {@code c[cOffset + i * ldc + j] += sum_k a(i, k) * b(k, j)}, split over the shared pool when {@code parallel}. */
    static void multiply(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc, boolean parallel) {
        checkShapes(a, b, c, cOffset, ldc);
        int m = a.rows(), n = b.cols(), k = a.cols();
        if (m == 0 || n == 0 || k == 0) return;
        int threads = parallel ? Parallel.threads() : 1;

        // Row blocks: a multiple of the thread count, each a multiple of MR and at most MC rows.
        int mBlocks = ceilDiv(m, MC);
        if (threads > 1) mBlocks = Math.min(roundUp(mBlocks, threads), ceilDiv(m, MR));
        int mc = roundUp(ceilDiv(m, mBlocks), MR);
        mBlocks = ceilDiv(m, mc);

        int ncMax = Math.min(NC, roundUp(n, NR));
        float[] packedB = new float[ncMax * Math.min(KC, k)];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = ceilDiv(nc, NR);
            // When there are fewer row blocks than workers, also split the columns.
            int nSplits = mBlocks >= threads ? 1 : Math.min(panels, ceilDiv(threads, mBlocks));
            int units = mBlocks * nSplits;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                GemmOperand bBlock = b.rowRange(pc, kc).colRange(jc, nc);
                GemmOperand aDepth = a.colRange(pc, kc);
                int jcFinal = jc;
                if (threads > 1 && panels > 1) {
                    Parallel.forRange(panels, Math.max(1, panels / (4 * threads)), (p0, p1) -> packB(bBlock, packedB, p0, p1));
                } else {
                    packB(bBlock, packedB, 0, panels);
                }
                Parallel.RangeBody compute = (u0, u1) -> {
                    for (int u = u0; u < u1; u++) {
                        int mb = u / nSplits, split = u % nSplits;
                        int i0 = mb * mc, rows = Math.min(mc, m - i0);
                        int q0 = (int) ((long) panels * split / nSplits), q1 = (int) ((long) panels * (split + 1) / nSplits);
                        computeBlock(aDepth.rowRange(i0, rows), packedB, q0, q1, nc, kc, c, cOffset + i0 * ldc + jcFinal, ldc);
                    }
                };
                if (threads > 1 && units > 1) Parallel.forRange(units, 1, compute);
                else compute.run(0, units);
            }
        }
    }

    /**
     * One row block of A against B micro-panels {@code [q0, q1)} of the packed block. Each column panel of C is
     * first gathered into a small contiguous tile: the kernels then hit L1 instead of missing on C rows a whole
     * leading dimension apart, and the zero padding of the packed operands makes every tile full-sized.
     */
    private static void computeBlock(GemmOperand aBlock, float[] packedB, int q0, int q1, int nc, int kc, float[] c, int cBase, int ldc) {
        int rows = aBlock.rows();
        float[] packedA = A_BLOCK.get();
        packA(aBlock, packedA, kc);
        int aPanels = ceilDiv(rows, MR);
        float[] tile = C_TILE.get();
        for (int q = q0; q < q1; q++) {
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

    /** B micro-panels {@code [q0, q1)} of a {@code [kc x nc]} block: panel {@code q}, step {@code p}, column {@code j} at {@code q*NR*kc + p*NR + j}. */
    private static void packB(GemmOperand b, float[] pb, int q0, int q1) {
        int kc = b.rows(), nc = b.cols();
        for (int q = q0; q < q1; q++) {
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

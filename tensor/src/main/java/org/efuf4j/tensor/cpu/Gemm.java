package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Species.F;
import static org.efuf4j.tensor.cpu.Species.LANES;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Parallel;

/**
 * Packed, cache-blocked F32 GEMM {@code C += A B} in the BLIS/Goto structure, for AVX2 and AVX-512 cores.
 *
 * <p>B is packed once into {@link #NR}-wide micro-panels ({@link SharedPanels}, shared by the workers), in depth
 * blocks of {@link #KC}. Each work unit packs a block of at most {@link #MC} rows of A into {@link #MR}-tall
 * panels and runs every B micro-panel against them in a register-blocked micro-kernel whose shape follows the
 * vector width ({@code 3 x 24} for 256-bit vectors, {@code 12 x 32} for 512; see {@link #kernelNarrow} and
 * {@link #kernelWide} for why these shapes). A deep {@code KC} halves the number of passes over C and the per-call
 * overhead of the micro-kernel, which measured faster than keeping the B micro-panel inside L1.
 *
 * <p>The A block is taller than L2 holds ({@code MC x KC} floats are 1.2 MB) on purpose: A streams through at 12 bytes
 * per step of the kernel, which the prefetchers keep up with, while each B micro-panel (48 KB) comes from L3 when a
 * unit first touches it; a taller block spreads that over more A panels (+5-11% at n >= 512 on one thread, +5% at
 * two, against 144 rows that fit L2).
 *
 * <p>Packing reads any strides (row-major, transposed, general) and widens BF16/F16 operands, so the
 * micro-kernel only ever sees F32.
 */
final class Gemm {
    /**
     * Whether the register tile is the {@code 12 x 2} vectors one ({@link #kernelWide}), for 512-bit vectors, whose
     * CPUs have 32 vector registers; else it is {@code 3 x 3} vectors ({@link #kernelNarrow}), which fits 16.
     */
    static final boolean WIDE = LANES >= 16;
    static final int MR = WIDE ? 12 : 3;
    static final int NR = (WIDE ? 2 : 3) * LANES;
    /**
     * Depth and row blocks. The wide tile streams a deeper, shorter A block: 1024 x 192 against 512 x 576 was +10-15% on
     * one thread at n = 1024 (interleaved with NumPy, 7-9 rounds: 0.89 of NumPy twice against 0.77-0.80; KC 256 or 384
     * with MC 576 gave 0.65-0.71, MC 96 or 384 with KC 1024 no better).
     */
    static final int KC = WIDE ? 1024 : 512;
    static final int MC = WIDE ? 192 : 576;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Per-thread A block, C tile and row scratch. Each is only touched inside one work unit, which runs to the end
     * without running other tasks (it may only spin on a panel another unit is packing), so a worker that helps
     * with another GEMM while joining never finds one half-used.
     */
    private static final ThreadLocal<float[]> A_BLOCK = ThreadLocal.withInitial(() -> new float[MC * KC]);
    private static final ThreadLocal<float[]> C_TILE = ThreadLocal.withInitial(() -> new float[MC * NR]);
    private static final ThreadLocal<float[]> ROW_SCRATCH = ThreadLocal.withInitial(() -> new float[MR * KC]);
    /** Per-thread columns of a transposed B panel, {@link #KC} apart (see {@link #packColumnMajorPanel}). */
    private static final ThreadLocal<float[]> COLUMN_SCRATCH = ThreadLocal.withInitial(() -> new float[NR * KC]);
    /** Where column {@code j} of {@link #COLUMN_SCRATCH} starts. */
    private static final int[] COLUMN_GATHER = new int[NR];
    static { for (int j = 0; j < NR; j++) COLUMN_GATHER[j] = j * KC; }

    /** Below this many multiply-adds (tens of microseconds) handing work to the pool costs more than it saves. */
    static final long MIN_PARALLEL_MACS = 1L << 20;

    /**
     * Most floats of packed B one GEMM keeps (16 MiB): a square 2048 problem packs all of B at once; wider or
     * deeper ones go through column blocks of at most this much.
     */
    static final int PANEL_CAP = 4 << 20;

    /** Most floats of packed A the task schedule keeps (32 MiB: all of a square 2048 problem, rows padded to MR). */
    static final int ROWS_CAP = 8 << 20;

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
     * <p>B is packed once per column block into {@link SharedPanels}, which every worker reads: the first worker
     * to need a micro-panel packs it. Workers take {@link Plan} units (a block of rows, times a group of
     * column panels when there are too few rows to go round) from the pool, so a worker slowed by another
     * process on its core gives its share to the others, and each unit packs only its own rows of A.
     */
    static void multiply(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc, boolean parallel) {
        run(a, b, null, c, cOffset, ldc, parallel);
    }

    /**
     * {@code c[cOffset + i * ldc + j] = bias[j] + sum_k a(i, k) * b(k, j)} ({@code bias} null: zero), whatever C held:
     * the tiles start from the bias instead of reading C, which spares the cache misses of gathering a fresh output.
     */
    static void product(GemmOperand a, GemmOperand b, float[] bias, float[] c, int cOffset, int ldc, boolean parallel) {
        if (bias != null && bias.length != b.cols())
            throw new IllegalArgumentException("GEMM bias has " + bias.length + " values for N = " + b.cols());
        run(a, b, bias != null ? bias : new float[b.cols()], c, cOffset, ldc, parallel);
    }

    /** {@code start}: the row every output row starts from (product), or null to accumulate onto C (multiply). */
    private static void run(GemmOperand a, GemmOperand b, float[] start, float[] c, int cOffset, int ldc, boolean parallel) {
        checkShapes(a, b, c, cOffset, ldc);
        int m = a.rows(), n = b.cols(), k = a.cols();
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (start != null) for (int i = 0; i < m; i++) System.arraycopy(start, 0, c, cOffset + i * ldc, n);
            return;
        }
        int threads = parallel && (long) m * n * k >= MIN_PARALLEL_MACS ? Parallel.threads() : 1;
        int blockCols = columnBlock(n, k);
        for (int jc = 0; jc < n; jc += blockCols) {
            int nc = Math.min(blockCols, n - jc);
            SharedPanels panels = SharedPanels.acquire(b.colRange(jc, nc));
            try {
                int cBase = cOffset + jc, col0 = jc;
                if (usesTasks(a, k, threads, panels.count())) {
                    runTasks(a, panels, start, col0, c, cBase, ldc, threads);
                } else {
                    Plan plan = Plan.of(m, panels.count(), threads);
                    if (plan.units() == 1) {
                        computeUnit(a, panels, plan, 0, start, col0, c, cBase, ldc);
                    } else {
                        Parallel.forRange(plan.units(), 1, (u0, u1) -> {
                            for (int u = u0; u < u1; u++) computeUnit(a, panels, plan, u, start, col0, c, cBase, ldc);
                        });
                    }
                }
            } finally {
                panels.release();
            }
        }
    }

    /**
     * Whether a parallel product runs as {@link #runTasks tasks}: deep ones (at least {@link #KC}) with a row block of
     * {@link #MC} for every worker, whose packed A fits {@link #ROWS_CAP}. Shallower products keep the
     * {@link Plan}: their A block fits L2 and their B panels are cheap to touch, and there tasks measured no better.
     */
    static boolean usesTasks(GemmOperand a, int k, int threads, int bPanels) {
        return threads > 1 && k >= KC && ceilDiv(a.rows(), MC) >= threads && readInPlace(a, bPanels) == null
                && (long) roundUp(a.rows(), MR) * k <= ROWS_CAP;
    }

    /**
     * The schedule for deep parallel products: tasks of one column panel of one row block over the whole depth, claimed
     * one by one from a counter. A is packed once per row block for every depth block ({@link SharedRows}), so any
     * worker can take any task and the load balances panel by panel, with tall row blocks (each B micro-panel's first
     * touch spread over more A panels) and one pass over each C tile instead of one per depth block. Panels are taken
     * in the order 0, G, 2G, ..., 1, G + 1, ... ({@code G} = {@link SharedPanels#GROUP}), so that workers claiming
     * neighbouring tasks pack different groups of B instead of waiting for one another. +9-10% at n = 1024 and 2048 on
     * two threads against the row-block plan.
     */
    private static void runTasks(GemmOperand a, SharedPanels panels, float[] start, int jc, float[] c, int cBase, int ldc, int threads) {
        int m = a.rows(), k = a.cols(), count = panels.count(), nc = panels.cols();
        int blocks = ceilDiv(m, MC), rowBlock = roundUp(ceilDiv(m, blocks), MR);
        int groups = ceilDiv(count, SharedPanels.GROUP);
        int[] order = new int[count];
        for (int r = 0, j = 0; r < SharedPanels.GROUP; r++)
            for (int g = 0; g < groups; g++) if (g * SharedPanels.GROUP + r < count) order[j++] = g * SharedPanels.GROUP + r;
        SharedRows rows = SharedRows.acquire(a, rowBlock);
        try {
            int tasks = rows.blocks() * count;
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Parallel.forRange(threads, 1, (w0, w1) -> {
                float[] tile = C_TILE.get();
                for (int t; (t = next.getAndIncrement()) < tasks; ) {
                    int block = t / count, q = order[t % count];
                    rows.ready(block);
                    int i0 = rows.rowStart(block), n = rows.rows(block), aPanels = ceilDiv(n, MR);
                    int j0 = q * NR, cols = Math.min(NR, nc - j0), cOff = cBase + i0 * ldc + j0;
                    if (start != null) startTile(start, jc + j0, tile, n, cols);
                    else moveTile(c, cOff, ldc, tile, n, cols, true);
                    for (int pc = 0; pc < k; pc += KC) {
                        int kc = Math.min(KC, k - pc), bOff = panels.ready(pc, q), aOff = rows.offset(block, pc);
                        for (int ip = 0; ip < aPanels; ip++)
                            kernel(rows.data(), aOff + ip * MR * kc, panels.data(), bOff, kc, tile, ip * MR * NR, NR);
                    }
                    moveTile(c, cOff, ldc, tile, n, cols, false);
                }
            });
        } finally {
            rows.release();
        }
    }

    /** Columns per block: all of them when their packed panels fit {@link #PANEL_CAP}, else the widest multiple of {@link #NR} that does. */
    static int columnBlock(int n, int k) {
        long fit = (long) PANEL_CAP / Math.max(1, k) / NR * NR;
        return (int) Math.max(NR, Math.min(roundUp(n, NR), fit));
    }

    /**
     * How one column block of C is cut into work units: row blocks of {@code rowBlock} rows (a multiple of
     * {@link #MR}, at most {@link #MC}), each split further into {@code colGroups} runs of column panels when the
     * rows alone give fewer than two units per worker (a wide, short product such as a small batch through an
     * LM head).
     */
    record Plan(int rows, int rowBlock, int panels, int colGroups) {
        static Plan of(int m, int panels, int threads) {
            if (threads <= 1) return new Plan(m, Math.min(MC, roundUp(m, MR)), panels, 1);
            // a multiple of the workers, of near-equal blocks: 1024 rows as 7 x 144 + 16 left one worker a block more
            int wanted = Math.max(2 * threads, roundUp(ceilDiv(m, MC), threads));
            int rowBlock = Math.min(MC, roundUp(ceilDiv(m, wanted), MR));
            int rowBlocks = ceilDiv(m, rowBlock);
            int groups = rowBlocks >= 2 * threads ? 1 : Math.min(panels, ceilDiv(2 * threads, rowBlocks));
            return new Plan(m, rowBlock, panels, groups);
        }

        int rowBlocks() { return ceilDiv(rows, rowBlock); }

        int units() { return rowBlocks() * colGroups; }

        int rowStart(int unit) { return unit / colGroups * rowBlock; }

        int rowEnd(int unit) { return Math.min(rows, rowStart(unit) + rowBlock); }

        int panelStart(int unit) { return (int) ((long) (unit % colGroups) * panels / colGroups); }

        int panelEnd(int unit) { return (int) ((long) (unit % colGroups + 1) * panels / colGroups); }
    }

    /**
     * One unit of the plan: its rows of A against its column panels, every depth block. Units start at different
     * panels (rotating through their run) so that concurrent units pack different panels instead of waiting on
     * each other for the first one.
     */
    private static void computeUnit(GemmOperand a, SharedPanels panels, Plan plan, int unit, float[] start, int jc, float[] c, int cBase, int ldc) {
        int i0 = plan.rowStart(unit), rows = plan.rowEnd(unit) - i0;
        int q0 = plan.panelStart(unit), q1 = plan.panelEnd(unit), span = q1 - q0;
        if (rows <= 0 || span <= 0) return;
        int first = (int) ((long) (unit / plan.colGroups()) * span / plan.rowBlocks());
        float[] packedA = A_BLOCK.get();
        float[] tile = C_TILE.get();
        int k = a.cols(), aPanels = ceilDiv(rows, MR), nc = panels.cols();
        GemmOperand aRows = a.rowRange(i0, rows);
        float[] direct = readInPlace(a, panels.count());
        int directPanels = direct == null ? 0 : rows / MR;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            // panels read in place need no packing; the rest (all, or a short last panel) are packed from panel 0 on
            if (directPanels < aPanels) packA(aRows.rowRange(directPanels * MR, rows - directPanels * MR).colRange(pc, kc), packedA, 0, kc);
            for (int s = 0; s < span; s++) {
                int q = q0 + (first + s) % span;
                int bOff = panels.ready(pc, q);
                int j0 = q * NR, cols = Math.min(NR, nc - j0), cOff = cBase + i0 * ldc + j0;
                if (cols == NR && rows % MR == 0) {
                    // whole tiles: the kernel accumulates in C itself. Copying each tile into the scratch and back was
                    // 5% of a train step's samples, whose products are 256 deep (one depth block per tile)
                    if (pc == 0 && start != null) startRows(start, jc + j0, c, cOff, ldc, rows);
                    for (int ip = 0; ip < directPanels; ip++)
                        kernelStrided(direct, a.arrayIndex(i0 + ip * MR, pc), (int) a.colStride(), panels.data(), bOff, kc, c, cOff + ip * MR * ldc, ldc);
                    for (int ip = directPanels; ip < aPanels; ip++)
                        kernel(packedA, (ip - directPanels) * MR * kc, panels.data(), bOff, kc, c, cOff + ip * MR * ldc, ldc);
                    continue;
                }
                if (pc == 0 && start != null) startTile(start, jc + j0, tile, rows, cols);
                else moveTile(c, cOff, ldc, tile, rows, cols, true);
                for (int ip = 0; ip < directPanels; ip++)
                    kernelStrided(direct, a.arrayIndex(i0 + ip * MR, pc), (int) a.colStride(), panels.data(), bOff, kc, tile, ip * MR * NR, NR);
                for (int ip = directPanels; ip < aPanels; ip++)
                    kernel(packedA, (ip - directPanels) * MR * kc, panels.data(), bOff, kc, tile, ip * MR * NR, NR);
                moveTile(c, cOff, ldc, tile, rows, cols, false);
            }
        }
    }

    /** Most column panels for which A is read in place (see {@link #readInPlace}). */
    static final int IN_PLACE_MAX_PANELS = 4;

    /**
     * The F32 array behind {@code a} when the micro-kernel can read A where it lies, else null. That is the case for a
     * transposed heap operand ({@code dW = dY^T X} in backward): the {@link #MR} values of a depth step sit side by
     * side, as in a packed panel, one leading dimension apart from the next step's. It pays only for a narrow B, where
     * each packed element of A would feed few multiply-adds (with B two panels wide, packing A cost about as much as
     * the products it fed).
     */
    static float[] readInPlace(GemmOperand a, int bPanels) {
        if (bPanels > IN_PLACE_MAX_PANELS || a.rowStride() != 1 || a.rows() < MR || a.colStride() > Integer.MAX_VALUE / KC) return null;
        return a.heapFloats();
    }

    /** Sets {@code rows} rows of a whole tile of C, {@code ldc} apart from {@code cOff}, to {@code start[s0, s0 + NR)}. */
    private static void startRows(float[] start, int s0, float[] c, int cOff, int ldc, int rows) {
        for (int i = 0, co = cOff; i < rows; i++, co += ldc) System.arraycopy(start, s0, c, co, NR);
    }

    /** Fills {@code rows} tile rows with {@code start[s0, s0 + cols)} (zero past {@code cols}). */
    private static void startTile(float[] start, int s0, float[] tile, int rows, int cols) {
        for (int v = 0; v < NR; v += LANES) {
            // one vector of the start row (masked at the panel's edge), stored down every row of the tile
            FloatVector sv = v + LANES <= cols ? FloatVector.fromArray(F, start, s0 + v)
                    : v < cols ? FloatVector.fromArray(F, start, s0 + v, F.indexInRange(v, cols)) : FloatVector.zero(F);
            for (int i = 0, to = v; i < rows; i++, to += NR) sv.intoArray(tile, to);
        }
    }

    /**
     * Copies {@code rows x cols} of C into the {@code NR}-wide tile (zero-padding its unused columns), or back. A short
     * last panel moves through masked vectors: per-row array copies of its few columns cost more than the products.
     */
    private static void moveTile(float[] c, int cOff, int ldc, float[] tile, int rows, int cols, boolean intoTile) {
        if (cols < NR) {
            for (int v = 0; v < NR; v += LANES) {
                var m = F.indexInRange(v, cols);
                for (int i = 0, co = cOff + v, to = v; i < rows; i++, co += ldc, to += NR) {
                    if (intoTile) FloatVector.fromArray(F, c, co, m).intoArray(tile, to);
                    else if (v < cols) FloatVector.fromArray(F, tile, to).intoArray(c, co, m);
                }
            }
            return;
        }
        for (int i = 0; i < rows; i++) {
            int co = cOff + i * ldc, to = i * NR;
            for (int v = 0; v < NR; v += LANES) {
                if (intoTile) FloatVector.fromArray(F, c, co + v).intoArray(tile, to + v);
                else FloatVector.fromArray(F, tile, to + v).intoArray(c, co + v);
            }
        }
    }

    /**
     * The register-blocked micro-kernel: {@code C[MR x NR] += Apanel[MR x kc] Bpanel[kc x NR]}, the tile chosen by
     * the vector width ({@link #WIDE}, a constant to C2, so the call compiles to one kernel).
     */
    static void kernel(float[] pa, int aOff, float[] pb, int bOff, int kc, float[] c, int cOff, int ldc) {
        if (WIDE) kernelWide(pa, aOff, pb, bOff, kc, c, cOff, ldc);
        else kernelNarrow(pa, aOff, pb, bOff, kc, c, cOff, ldc);
    }

    /** {@link #kernel} for an A read in place ({@link #readInPlace}): step {@code p} of the panel at {@code aOff + p * aStep}. */
    private static void kernelStrided(float[] pa, int aOff, int aStep, float[] pb, int bOff, int kc, float[] c, int cOff, int ldc) {
        if (WIDE) kernelWideStrided(pa, aOff, aStep, pb, bOff, kc, c, cOff, ldc);
        else kernelNarrowStrided(pa, aOff, aStep, pb, bOff, kc, c, cOff, ldc);
    }

    /**
     * The micro-kernel for 16 vector registers: {@code C[3 x 3 vectors] += Apanel[3 x kc] Bpanel[kc x 3 vectors]}. Nine accumulators
     * (more than the 4-cycle FMA latency times two pipes needs), three B vectors and three broadcasts make 15
     * live ymm registers: C2 hoists every load of an iteration to its top, so taller tiles (6 x 16) spill an
     * accumulator through the stack on every step and run at half speed.
     */
    private static void kernelNarrow(float[] pa, int aOff, float[] pb, int bOff, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F);
        // Bumped indices rather than aOff + p * MR: C2 then spends 4 integer ops per step instead of 9, and the
        // 20-op loop fits the core's dispatch width inside the 4.5 cycles its 9 FMAs take (+20% measured).
        for (int ai = aOff, bi = bOff, end = aOff + kc * MR; ai < end; ai += MR, bi += NR) {
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

    /**
     * {@link #kernelNarrow} for an A read in place ({@link #readInPlace}): step {@code p} of the panel at
     * {@code aOff + p * aStep}. A twin rather than a parameter of the packed kernel: with the step unknown to C2, the
     * loop needs one more induction variable and measured 20% slower, which the packed path must not pay.
     */
    private static void kernelNarrowStrided(float[] pa, int aOff, int aStep, float[] pb, int bOff, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F);
        for (int ai = aOff, bi = bOff, end = aOff + kc * aStep; ai < end; ai += aStep, bi += NR) {
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

    /**
     * The micro-kernel for 32 vector registers (AVX-512): {@code C[12 x 2 vectors] += Apanel[12 x kc] Bpanel[kc x 2
     * vectors]}. 24 accumulators, two B vectors and the broadcasts fit the 32 zmm registers even with C2 hoisting every
     * broadcast of a step to its top, and each B vector feeds twelve multiply-adds, so a step needs 14 loads for 24
     * FMAs. Measured in cache on one thread (medians of 0.2 s rounds, 16 lanes): 3 x 48 115-150 GFLOP/s, 4 x 48
     * 125-158, 6 x 48 163-180, 8 x 32 189-193, 12 x 32 185-201.
     */
    private static void kernelWide(float[] pa, int aOff, float[] pb, int bOff, int kc, float[] c, int cOff, int ldc) {
        // C is loaded into the accumulators up front and stored back at the end: adding it in after the loop
        // (as the narrow kernel does) made C2 give up the vector intrinsics of this method, 5 GFLOP/s against 180
        FloatVector c0a = FloatVector.fromArray(F, c, cOff), c0b = FloatVector.fromArray(F, c, cOff + LANES);
        FloatVector c1a = FloatVector.fromArray(F, c, cOff + ldc), c1b = FloatVector.fromArray(F, c, cOff + ldc + LANES);
        FloatVector c2a = FloatVector.fromArray(F, c, cOff + 2 * ldc), c2b = FloatVector.fromArray(F, c, cOff + 2 * ldc + LANES);
        FloatVector c3a = FloatVector.fromArray(F, c, cOff + 3 * ldc), c3b = FloatVector.fromArray(F, c, cOff + 3 * ldc + LANES);
        FloatVector c4a = FloatVector.fromArray(F, c, cOff + 4 * ldc), c4b = FloatVector.fromArray(F, c, cOff + 4 * ldc + LANES);
        FloatVector c5a = FloatVector.fromArray(F, c, cOff + 5 * ldc), c5b = FloatVector.fromArray(F, c, cOff + 5 * ldc + LANES);
        FloatVector c6a = FloatVector.fromArray(F, c, cOff + 6 * ldc), c6b = FloatVector.fromArray(F, c, cOff + 6 * ldc + LANES);
        FloatVector c7a = FloatVector.fromArray(F, c, cOff + 7 * ldc), c7b = FloatVector.fromArray(F, c, cOff + 7 * ldc + LANES);
        FloatVector c8a = FloatVector.fromArray(F, c, cOff + 8 * ldc), c8b = FloatVector.fromArray(F, c, cOff + 8 * ldc + LANES);
        FloatVector c9a = FloatVector.fromArray(F, c, cOff + 9 * ldc), c9b = FloatVector.fromArray(F, c, cOff + 9 * ldc + LANES);
        FloatVector c10a = FloatVector.fromArray(F, c, cOff + 10 * ldc), c10b = FloatVector.fromArray(F, c, cOff + 10 * ldc + LANES);
        FloatVector c11a = FloatVector.fromArray(F, c, cOff + 11 * ldc), c11b = FloatVector.fromArray(F, c, cOff + 11 * ldc + LANES);
        // One induction variable, both indices derived from it: C2 then proves every load of A and B in range once per
        // call. With the two bumped indices the narrow kernel prefers, C2 kept two bounds checks on B per step and held
        // the A index in a stack slot (a store-load chain through memory every step): +24% in cache at kc = 256, +21%
        // at 64 (one thread, interleaved rounds, 16 lanes; run P in BENCHMARKS-HISTORY.md)
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR, bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, pb, bi), b1 = FloatVector.fromArray(F, pb, bi + LANES);
            FloatVector av = FloatVector.broadcast(F, pa[ai]);
            c0a = av.fma(b0, c0a); c0b = av.fma(b1, c0b);
            av = FloatVector.broadcast(F, pa[ai + 1]);
            c1a = av.fma(b0, c1a); c1b = av.fma(b1, c1b);
            av = FloatVector.broadcast(F, pa[ai + 2]);
            c2a = av.fma(b0, c2a); c2b = av.fma(b1, c2b);
            av = FloatVector.broadcast(F, pa[ai + 3]);
            c3a = av.fma(b0, c3a); c3b = av.fma(b1, c3b);
            av = FloatVector.broadcast(F, pa[ai + 4]);
            c4a = av.fma(b0, c4a); c4b = av.fma(b1, c4b);
            av = FloatVector.broadcast(F, pa[ai + 5]);
            c5a = av.fma(b0, c5a); c5b = av.fma(b1, c5b);
            av = FloatVector.broadcast(F, pa[ai + 6]);
            c6a = av.fma(b0, c6a); c6b = av.fma(b1, c6b);
            av = FloatVector.broadcast(F, pa[ai + 7]);
            c7a = av.fma(b0, c7a); c7b = av.fma(b1, c7b);
            av = FloatVector.broadcast(F, pa[ai + 8]);
            c8a = av.fma(b0, c8a); c8b = av.fma(b1, c8b);
            av = FloatVector.broadcast(F, pa[ai + 9]);
            c9a = av.fma(b0, c9a); c9b = av.fma(b1, c9b);
            av = FloatVector.broadcast(F, pa[ai + 10]);
            c10a = av.fma(b0, c10a); c10b = av.fma(b1, c10b);
            av = FloatVector.broadcast(F, pa[ai + 11]);
            c11a = av.fma(b0, c11a); c11b = av.fma(b1, c11b);
        }
        c0a.intoArray(c, cOff);
        c0b.intoArray(c, cOff + LANES);
        c1a.intoArray(c, cOff + ldc);
        c1b.intoArray(c, cOff + ldc + LANES);
        c2a.intoArray(c, cOff + 2 * ldc);
        c2b.intoArray(c, cOff + 2 * ldc + LANES);
        c3a.intoArray(c, cOff + 3 * ldc);
        c3b.intoArray(c, cOff + 3 * ldc + LANES);
        c4a.intoArray(c, cOff + 4 * ldc);
        c4b.intoArray(c, cOff + 4 * ldc + LANES);
        c5a.intoArray(c, cOff + 5 * ldc);
        c5b.intoArray(c, cOff + 5 * ldc + LANES);
        c6a.intoArray(c, cOff + 6 * ldc);
        c6b.intoArray(c, cOff + 6 * ldc + LANES);
        c7a.intoArray(c, cOff + 7 * ldc);
        c7b.intoArray(c, cOff + 7 * ldc + LANES);
        c8a.intoArray(c, cOff + 8 * ldc);
        c8b.intoArray(c, cOff + 8 * ldc + LANES);
        c9a.intoArray(c, cOff + 9 * ldc);
        c9b.intoArray(c, cOff + 9 * ldc + LANES);
        c10a.intoArray(c, cOff + 10 * ldc);
        c10b.intoArray(c, cOff + 10 * ldc + LANES);
        c11a.intoArray(c, cOff + 11 * ldc);
        c11b.intoArray(c, cOff + 11 * ldc + LANES);
    }

    /** {@link #kernelWide} for an A read in place (a twin for the reason {@link #kernelNarrowStrided} gives). */
    private static void kernelWideStrided(float[] pa, int aOff, int aStep, float[] pb, int bOff, int kc, float[] c, int cOff, int ldc) {
        // C is loaded into the accumulators up front and stored back at the end: adding it in after the loop
        // (as the narrow kernel does) made C2 give up the vector intrinsics of this method, 5 GFLOP/s against 180
        FloatVector c0a = FloatVector.fromArray(F, c, cOff), c0b = FloatVector.fromArray(F, c, cOff + LANES);
        FloatVector c1a = FloatVector.fromArray(F, c, cOff + ldc), c1b = FloatVector.fromArray(F, c, cOff + ldc + LANES);
        FloatVector c2a = FloatVector.fromArray(F, c, cOff + 2 * ldc), c2b = FloatVector.fromArray(F, c, cOff + 2 * ldc + LANES);
        FloatVector c3a = FloatVector.fromArray(F, c, cOff + 3 * ldc), c3b = FloatVector.fromArray(F, c, cOff + 3 * ldc + LANES);
        FloatVector c4a = FloatVector.fromArray(F, c, cOff + 4 * ldc), c4b = FloatVector.fromArray(F, c, cOff + 4 * ldc + LANES);
        FloatVector c5a = FloatVector.fromArray(F, c, cOff + 5 * ldc), c5b = FloatVector.fromArray(F, c, cOff + 5 * ldc + LANES);
        FloatVector c6a = FloatVector.fromArray(F, c, cOff + 6 * ldc), c6b = FloatVector.fromArray(F, c, cOff + 6 * ldc + LANES);
        FloatVector c7a = FloatVector.fromArray(F, c, cOff + 7 * ldc), c7b = FloatVector.fromArray(F, c, cOff + 7 * ldc + LANES);
        FloatVector c8a = FloatVector.fromArray(F, c, cOff + 8 * ldc), c8b = FloatVector.fromArray(F, c, cOff + 8 * ldc + LANES);
        FloatVector c9a = FloatVector.fromArray(F, c, cOff + 9 * ldc), c9b = FloatVector.fromArray(F, c, cOff + 9 * ldc + LANES);
        FloatVector c10a = FloatVector.fromArray(F, c, cOff + 10 * ldc), c10b = FloatVector.fromArray(F, c, cOff + 10 * ldc + LANES);
        FloatVector c11a = FloatVector.fromArray(F, c, cOff + 11 * ldc), c11b = FloatVector.fromArray(F, c, cOff + 11 * ldc + LANES);
        // one induction variable for the reason kernelWide gives (A's step is not a constant, so its checks stay)
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * aStep, bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, pb, bi), b1 = FloatVector.fromArray(F, pb, bi + LANES);
            FloatVector av = FloatVector.broadcast(F, pa[ai]);
            c0a = av.fma(b0, c0a); c0b = av.fma(b1, c0b);
            av = FloatVector.broadcast(F, pa[ai + 1]);
            c1a = av.fma(b0, c1a); c1b = av.fma(b1, c1b);
            av = FloatVector.broadcast(F, pa[ai + 2]);
            c2a = av.fma(b0, c2a); c2b = av.fma(b1, c2b);
            av = FloatVector.broadcast(F, pa[ai + 3]);
            c3a = av.fma(b0, c3a); c3b = av.fma(b1, c3b);
            av = FloatVector.broadcast(F, pa[ai + 4]);
            c4a = av.fma(b0, c4a); c4b = av.fma(b1, c4b);
            av = FloatVector.broadcast(F, pa[ai + 5]);
            c5a = av.fma(b0, c5a); c5b = av.fma(b1, c5b);
            av = FloatVector.broadcast(F, pa[ai + 6]);
            c6a = av.fma(b0, c6a); c6b = av.fma(b1, c6b);
            av = FloatVector.broadcast(F, pa[ai + 7]);
            c7a = av.fma(b0, c7a); c7b = av.fma(b1, c7b);
            av = FloatVector.broadcast(F, pa[ai + 8]);
            c8a = av.fma(b0, c8a); c8b = av.fma(b1, c8b);
            av = FloatVector.broadcast(F, pa[ai + 9]);
            c9a = av.fma(b0, c9a); c9b = av.fma(b1, c9b);
            av = FloatVector.broadcast(F, pa[ai + 10]);
            c10a = av.fma(b0, c10a); c10b = av.fma(b1, c10b);
            av = FloatVector.broadcast(F, pa[ai + 11]);
            c11a = av.fma(b0, c11a); c11b = av.fma(b1, c11b);
        }
        c0a.intoArray(c, cOff);
        c0b.intoArray(c, cOff + LANES);
        c1a.intoArray(c, cOff + ldc);
        c1b.intoArray(c, cOff + ldc + LANES);
        c2a.intoArray(c, cOff + 2 * ldc);
        c2b.intoArray(c, cOff + 2 * ldc + LANES);
        c3a.intoArray(c, cOff + 3 * ldc);
        c3b.intoArray(c, cOff + 3 * ldc + LANES);
        c4a.intoArray(c, cOff + 4 * ldc);
        c4b.intoArray(c, cOff + 4 * ldc + LANES);
        c5a.intoArray(c, cOff + 5 * ldc);
        c5b.intoArray(c, cOff + 5 * ldc + LANES);
        c6a.intoArray(c, cOff + 6 * ldc);
        c6b.intoArray(c, cOff + 6 * ldc + LANES);
        c7a.intoArray(c, cOff + 7 * ldc);
        c7b.intoArray(c, cOff + 7 * ldc + LANES);
        c8a.intoArray(c, cOff + 8 * ldc);
        c8b.intoArray(c, cOff + 8 * ldc + LANES);
        c9a.intoArray(c, cOff + 9 * ldc);
        c9b.intoArray(c, cOff + 9 * ldc + LANES);
        c10a.intoArray(c, cOff + 10 * ldc);
        c10b.intoArray(c, cOff + 10 * ldc + LANES);
        c11a.intoArray(c, cOff + 11 * ldc);
        c11b.intoArray(c, cOff + 11 * ldc + LANES);
    }

    private static void addRow(float[] c, int off, FloatVector v0, FloatVector v1, FloatVector v2) {
        v0.add(FloatVector.fromArray(F, c, off)).intoArray(c, off);
        v1.add(FloatVector.fromArray(F, c, off + LANES)).intoArray(c, off + LANES);
        v2.add(FloatVector.fromArray(F, c, off + 2 * LANES)).intoArray(c, off + 2 * LANES);
    }

    // ---------------------------------------------------------------- packing

    /**
     * A block {@code [rows x kc]} into MR-row panels from {@code base}: panel {@code ip}, step {@code p}, row {@code r} at
     * {@code base + ip*MR*kc + p*MR + r}; short panels padded with zeros.
     */
    static void packA(GemmOperand a, float[] pa, int base, int kc) {
        int rows = a.rows();
        float[] heap = a.heapFloats();
        if (WIDE && heap != null && a.rowsContiguous() && rows % MR == 0 && a.rowStride() <= Integer.MAX_VALUE / LANES) {
            // activations: each step's MR values gathered from the panel's rows as one vector (lanes past MR repeat the
            // last row) and stored whole, the next step overwriting its extra lanes; a panel's last step by scalars
            int lda = (int) a.rowStride();
            int[] rowsAt = new int[LANES];
            for (int r = 0; r < LANES; r++) rowsAt[r] = Math.min(r, MR - 1) * lda;
            for (int i0 = 0; i0 < rows; i0 += MR) {
                int src = a.arrayIndex(i0, 0), o = base + i0 * kc, p = 0;
                for (; p < kc - 1; p++, o += MR) FloatVector.fromArray(F, heap, src + p, rowsAt, 0).intoArray(pa, o);
                for (int r = 0; r < MR; r++) pa[o + r] = heap[src + r * lda + p];
            }
            return;
        }
        if (heap != null && a.rowsContiguous() && rows % MR == 0 && MR != 3) {
            // activations into a tall panel: row by row, each read in order; the panel (MR x kc, 24 KB at 12 x 512)
            // stays in L1 while its rows are written into it a stride of MR apart
            for (int i0 = 0; i0 < rows; i0 += MR) {
                for (int r = 0; r < MR; r++) {
                    int src = a.arrayIndex(i0 + r, 0);
                    for (int p = 0, o = base + i0 * kc + r; p < kc; p++, o += MR) pa[o] = heap[src + p];
                }
            }
            return;
        }
        if (heap != null && a.rowsContiguous() && rows % MR == 0) {
            // activations: straight from the backing array, three rows in step, the packed panel written in order (a
            // separate loop from the one below: reading through a variable source array measured 5-9% slower)
            for (int i0 = 0; i0 < rows; i0 += MR) {
                int r0 = a.arrayIndex(i0, 0), r1 = a.arrayIndex(i0 + 1, 0), r2 = a.arrayIndex(i0 + 2, 0);
                for (int p = 0, o = base + i0 * kc; p < kc; p++, o += MR) {
                    pa[o] = heap[r0 + p];
                    pa[o + 1] = heap[r1 + p];
                    pa[o + 2] = heap[r2 + p];
                }
            }
            return;
        }
        if (a.rowsContiguous()) {
            // widen the panel's rows as runs, then interleave them so the writes to the packed panel are sequential
            float[] run = ROW_SCRATCH.get();
            for (int i0 = 0; i0 < rows; i0 += MR) {
                for (int r = 0; r < MR; r++) {
                    if (i0 + r < rows) Widen.run(a.segment(), a.dtype(), a.index(i0 + r, 0), run, r * KC, kc);
                    else java.util.Arrays.fill(run, r * KC, r * KC + kc, 0f);
                }
                for (int p = 0, o = base + i0 * kc; p < kc; p++, o += MR)
                    for (int r = 0; r < MR; r++) pa[o + r] = run[r * KC + p];
            }
            return;
        }
        int panels = ceilDiv(rows, MR);
        if (heap != null && a.colsContiguous()) {
            // a transposed activation (dY^T in dW = dY^T X): a panel's MR values of one depth step lie side by side,
            // one leading dimension from the next step's, and are copied straight from the array (a library copy of
            // each step's run into a buffer, then a scatter, took 17% of a dW product)
            int step = Math.toIntExact(a.colStride()), full = rows / MR * MR;
            if (WIDE) {
                // one whole vector per step (MR = 12 of its 16 lanes), the next step's store overwriting the 4 extra
                // lanes: the scalar copy of each run was 5% of a train step, and masked vectors took the mask's slow
                // checks. A panel's last step, and any whose vector would run past the array, is copied by scalars, so
                // nothing is written past the panel (another worker may be reading what follows)
                for (int i0 = 0; i0 < full; i0 += MR) {
                    int p = 0, src = a.arrayIndex(i0, 0), o = base + i0 * kc;
                    for (; p < kc - 1 && src <= heap.length - LANES; p++, src += step, o += MR)
                        FloatVector.fromArray(F, heap, src).intoArray(pa, o);
                    for (; p < kc; p++, src += step, o += MR)
                        for (int r = 0; r < MR; r++) pa[o + r] = heap[src + r];
                }
            } else {
                for (int i0 = 0; i0 < full; i0 += MR) {
                    for (int p = 0, src = a.arrayIndex(i0, 0), o = base + i0 * kc; p < kc; p++, src += step, o += MR)
                        for (int r = 0; r < MR; r++) pa[o + r] = heap[src + r];
                }
            }
            if (full < rows) {
                for (int p = 0, src = a.arrayIndex(full, 0), o = base + full * kc; p < kc; p++, src += step, o += MR)
                    for (int r = 0; r < MR; r++) pa[o + r] = full + r < rows ? heap[src + r] : 0f;
            }
            return;
        }
        if (a.colsContiguous() && rows <= MR * KC) {
            // a transposed operand (dW = dY^T X in backward): each depth step is a contiguous run over the rows
            float[] run = ROW_SCRATCH.get();
            for (int p = 0; p < kc; p++) {
                Widen.run(a.segment(), a.dtype(), a.index(0, p), run, 0, rows);
                for (int i0 = 0, o = base + p * MR; i0 < rows; i0 += MR, o += MR * kc) {
                    int n = Math.min(MR, rows - i0);
                    if (WIDE && n == MR && p < kc - 1 && i0 + LANES <= run.length) {
                        // a whole vector, its 4 extra lanes landing on step p + 1 of this panel, written later
                        FloatVector.fromArray(F, run, i0).intoArray(pa, o);
                        continue;
                    }
                    for (int r = 0; r < n; r++) pa[o + r] = run[i0 + r];
                    for (int r = n; r < MR; r++) pa[o + r] = 0f;
                }
            }
            return;
        }
        if (a.dtype() == DType.F32) {
            MemorySegment s = a.segment();
            for (int i = 0; i < rows; i++) {
                int at = base + (i / MR) * MR * kc + i % MR;
                long src = a.index(i, 0), step = a.colStride();
                for (int p = 0; p < kc; p++) pa[at + p * MR] = s.get(HostAccess.F32, (src + p * step) * 4);
            }
        } else {
            for (int i = 0; i < rows; i++) {
                int at = base + (i / MR) * MR * kc + i % MR;
                for (int p = 0; p < kc; p++) pa[at + p * MR] = a.get(i, p);
            }
        }
        for (int i = rows; i < panels * MR; i++) {
            int at = base + (i / MR) * MR * kc + i % MR;
            for (int p = 0; p < kc; p++) pa[at + p * MR] = 0f;
        }
    }

    /**
     * Micro-panel {@code q} of a {@code [kc x nc]} block, {@code NR} columns interleaved step by step from {@code base}:
     * column {@code j} of step {@code p} at {@code base + p*NR + j}, columns past {@code nc} zero.
     */
    static void packPanel(GemmOperand b, int q, float[] pb, int base) {
        int kc = b.rows(), j0 = q * NR, cols = Math.min(NR, b.cols() - j0);
        if (cols == NR && b.colStride() == 1) packRowMajorPanel(b, j0, pb, base);
        else if (b.colsContiguous()) packColumnMajorPanel(b, j0, cols, pb, base);
        else {
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < NR; j++) pb[base + p * NR + j] = j < cols ? b.get(p, j0 + j) : 0f;
        }
    }

    /**
     * Panels {@code [q0, q1)} of a {@code [kc x nc]} block, panel {@code q} at {@code base + q * NR * kc}. Full-width
     * row-major F32 panels are packed together, a depth step at a time: each row of B is then read as one run of
     * {@code (q1 - q0) * NR} floats instead of one {@code NR}-float piece per panel, a page apart, which defeats the prefetchers.
     */
    static void packPanels(GemmOperand b, int q0, int q1, float[] pb, int base) {
        int kc = b.rows();
        boolean grouped = b.dtype() == DType.F32 && b.colStride() == 1 && q1 * NR <= b.cols();
        if (!grouped) {
            for (int q = q0; q < q1; q++) packPanel(b, q, pb, base + q * NR * kc);
            return;
        }
        float[] heap = b.heapFloats();
        if (heap != null) {
            // activations (B = X in dW = dY^T X, or any heap matrix): vector loads straight from the array, without the
            // bounds and liveness checks of a segment access (+2-5% on the whole GEMM at 2 threads)
            int rs = Math.toIntExact(b.rowStride()), row = b.arrayIndex(0, 0);
            for (int p = 0; p < kc; p++, row += rs) {
                for (int q = q0, o = row + q0 * NR, to = base + q0 * NR * kc + p * NR; q < q1; q++, o += NR, to += NR * kc)
                    for (int v = 0; v < NR; v += LANES) FloatVector.fromArray(F, heap, o + v).intoArray(pb, to + v);
            }
            return;
        }
        MemorySegment s = b.segment();
        long rs = b.rowStride(), src = b.index(0, 0);
        for (int p = 0; p < kc; p++) {
            long row = (src + p * rs) * 4;
            for (int q = q0; q < q1; q++) {
                long o = row + 4L * q * NR;
                int to = base + q * NR * kc + p * NR;
                for (int v = 0; v < NR; v += LANES) FloatVector.fromMemorySegment(F, s, o + 4L * v, LE).intoArray(pb, to + v);
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
        if (WIDE && NR == 2 * LANES && b.dtype() == DType.F32 && kc <= KC) {
            // copy the columns KC apart, then gather each step's NR values as two vectors: the scalar interleave
            // below was 4% of a train step (x W^T through every linear layer)
            float[] columns = COLUMN_SCRATCH.get();
            for (int j = 0; j < NR; j++) {
                if (j < cols) Widen.run(b.segment(), DType.F32, b.index(0, j0 + j), columns, j * KC, kc);
                else java.util.Arrays.fill(columns, j * KC, j * KC + kc, 0f);
            }
            for (int p = 0, o = base; p < kc; p++, o += NR) {
                FloatVector.fromArray(F, columns, p, COLUMN_GATHER, 0).intoArray(pb, o);
                FloatVector.fromArray(F, columns, p, COLUMN_GATHER, LANES).intoArray(pb, o + LANES);
            }
            return;
        }
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

package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.junit.jupiter.api.Test;

/**
 * The packed GEMM and the matrix-vector kernel against ref64's matmul ({@link Ref64#matmul}) on odd shapes, every operand
 * layout (row-major, transposed, general strides) and every B dtype.
 *
 * <p>Tolerance: the fast kernels sum each output in F32 with one rounding per multiply-add inside a depth block
 * of at most {@link Gemm#KC} terms, then add the block results into C, so the classic bound for recursive
 * summation gives {@code |fast - exact| <= (min(K, KC) + ceil(K / KC) + 1) u * sum_k |a||b|} with
 * {@code u = 2^-24}; the matrix-vector kernel (8 lanes, chunks of 1024, a lane reduction) stays below the same
 * bound. ref64 sums in double, so its own error is negligible. A wrong or missing term costs about
 * {@code sum |a||b| / K}, far above the bound for every K tested.
 */
class GemmTest {
    private static final float U = 0x1p-24f;

    enum Layout { ROW_MAJOR, COLUMN_MAJOR, STRIDED }

    @Test
    void packedGemmMatchesReferenceOnOddShapesAndLayouts() {
        int[][] shapes = {{1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {129, 3, 257}, {3, 24, 24}, {12, 256, 48}, {145, 77, 33}, {5, 300, 1025}};
        Random rnd = new Random(1);
        for (int[] s : shapes) {
            for (Layout la : Layout.values()) {
                for (Layout lb : Layout.values()) {
                    for (DType bt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                        // Every combination on small shapes, a random third of them on the larger ones.
                        if ((long) s[0] * s[1] * s[2] > 100_000 && rnd.nextInt(3) != 0) continue;
                        GemmOperand a = operand(rnd, DType.F32, s[0], s[1], la);
                        GemmOperand b = operand(rnd, bt, s[1], s[2], lb);
                        boolean parallel = rnd.nextBoolean();
                        String what = "gemm " + s[0] + "x" + s[1] + "x" + s[2] + " A " + la + " B " + lb + " " + bt + (parallel ? " parallel" : "");
                        check(what, a, b, (c, off, ldc) -> Gemm.multiply(a, b, c, off, ldc, parallel));
                    }
                }
            }
        }
    }

    @Test
    void packedGemmCrossesEveryBlockBoundary() {
        // M > MC with K > KC, then N > NC with K > KC; column-major (transposed weight) BF16 B.
        Random rnd = new Random(2);
        int k = Gemm.KC + 5;
        GemmOperand a = operand(rnd, DType.F32, Gemm.MC + 7, k, Layout.ROW_MAJOR);
        GemmOperand b = operand(rnd, DType.BF16, k, 30, Layout.COLUMN_MAJOR);
        check("gemm across MC and KC", a, b, (c, off, ldc) -> Gemm.multiply(a, b, c, off, ldc, true));
        // Deep enough that the packed panels of all of B exceed PANEL_CAP: two column blocks.
        int deep = 2 * Gemm.KC + 3, wide = Gemm.columnBlock(Integer.MAX_VALUE / 2, deep) + 7;
        assertTrue(Gemm.columnBlock(wide, deep) < wide, "test problem must need two column blocks");
        GemmOperand a2 = operand(rnd, DType.F32, 7, deep, Layout.STRIDED);
        GemmOperand b2 = operand(rnd, DType.F32, deep, wide, Layout.ROW_MAJOR);
        check("gemm across column blocks and KC", a2, b2, (c, off, ldc) -> Gemm.multiply(a2, b2, c, off, ldc, true));
    }

    @Test
    void theTileFollowsTheVectorWidth() {
        // the build runs these tests in the preferred width and in 256 and 512 bits: each run must really use its width
        String bits = System.getProperty(Species.PROPERTY);
        if (bits != null && !bits.isBlank()) assertEquals(Integer.parseInt(bits), Species.F.vectorBitSize());
        assertEquals(Species.LANES >= 16 ? 12 : 3, Gemm.MR);
        assertEquals((Species.LANES >= 16 ? 2 : 3) * Species.LANES, Gemm.NR);
        assertEquals(0, Gemm.MC % Gemm.MR, "MC must be a whole number of micro-panels");
        assertThrows(IllegalArgumentException.class, () -> Species.choose("384"));
    }

    @Test
    void transposedAIsReadInPlaceAgainstANarrowB() {
        // dW = dY^T X: A transposed F32 on the heap, B a few panels wide; rows past MC and off the MR grid, depth past KC
        Random rnd = new Random(7);
        for (int[] s : new int[][] {{145, Gemm.KC + 37, 50}, {64, 700, 64}, {Gemm.MR + 4, 33, 96}, {Gemm.MR + 1, 5, 1}}) {
            GemmOperand a = operand(rnd, DType.F32, s[0], s[1], Layout.COLUMN_MAJOR);
            GemmOperand b = operand(rnd, DType.F32, s[1], s[2], Layout.ROW_MAJOR);
            assertTrue(Gemm.readInPlace(a, Gemm.ceilDiv(s[2], Gemm.NR)) != null, "A of " + java.util.Arrays.toString(s) + " should be read in place");
            for (boolean parallel : new boolean[] {false, true})
                check("in-place A " + java.util.Arrays.toString(s) + (parallel ? " parallel" : ""), a, b, (c, off, ldc) -> Gemm.multiply(a, b, c, off, ldc, parallel));
        }
        // a wide B packs A as usual (straight from the array: rows past MC and off the MR grid, depth past KC), and so
        // does a row-major or half-precision A
        GemmOperand wide = operand(rnd, DType.F32, 30, 40, Layout.COLUMN_MAJOR);
        assertNull(Gemm.readInPlace(wide, Gemm.IN_PLACE_MAX_PANELS + 1));
        GemmOperand tall = operand(rnd, DType.F32, Gemm.MC + 8, Gemm.KC + 37, Layout.COLUMN_MAJOR);
        GemmOperand wideB = operand(rnd, DType.F32, Gemm.KC + 37, (Gemm.IN_PLACE_MAX_PANELS + 1) * Gemm.NR + 3, Layout.ROW_MAJOR);
        for (boolean parallel : new boolean[] {false, true})
            check("packed transposed A" + (parallel ? " parallel" : ""), tall, wideB, (c, off, ldc) -> Gemm.multiply(tall, wideB, c, off, ldc, parallel));
        assertNull(Gemm.readInPlace(operand(rnd, DType.F32, 30, 40, Layout.ROW_MAJOR), 1));
        assertNull(Gemm.readInPlace(operand(rnd, DType.BF16, 30, 40, Layout.COLUMN_MAJOR), 1));
    }

    @Test
    void productOverwritesTheOutputWithBiasPlusProduct() {
        // C's old contents (NaN here) must never be read; the tiles start from the bias (or zero) instead
        Random rnd = new Random(8);
        for (int[] s : new int[][] {{7, 13, 5}, {33, 65, 17}, {145, Gemm.KC + 5, 50}, {20, 300, 1000}}) {
            for (Layout lb : new Layout[] {Layout.ROW_MAJOR, Layout.COLUMN_MAJOR}) {
                for (boolean withBias : new boolean[] {false, true}) {
                    GemmOperand a = operand(rnd, DType.F32, s[0], s[1], Layout.ROW_MAJOR);
                    GemmOperand b = operand(rnd, DType.F32, s[1], s[2], lb);
                    float[] bias = withBias ? new float[s[2]] : null;
                    if (bias != null) for (int j = 0; j < bias.length; j++) bias[j] = rnd.nextFloat() - 0.5f;
                    boolean parallel = rnd.nextBoolean();
                    check("product " + java.util.Arrays.toString(s) + " B " + lb + (withBias ? " bias" : ""), a, b, (c, off, ldc) -> {
                        float[] out = new float[c.length];
                        java.util.Arrays.fill(out, Float.NaN);
                        Gemm.product(a, b, bias, out, off, ldc, parallel);
                        for (int i = 0; i < s[0]; i++)
                            for (int j = 0; j < s[2]; j++) c[off + i * ldc + j] += out[off + i * ldc + j] - (bias == null ? 0f : bias[j]);
                    });
                }
            }
        }
    }

    @Test
    void workPlanTilesTheOutputExactlyOnKernelBoundaries() {
        int[][] problems = {{1, 1, 1}, {2, 500, 64}, {500, 2, 64}, {256, 256, 256}, {7, 4087, 517}, {1000, 30, 8}, {97, 97, 5}, {2048, 2048, 2048}};
        for (int[] p : problems) {
            int m = p[0], n = p[1], k = p[2];
            int panels = Gemm.ceilDiv(Math.min(n, Gemm.columnBlock(n, k)), Gemm.NR), cols = Math.min(n, panels * Gemm.NR);
            for (int threads : new int[] {1, 2, 3, 4, 6, 16}) {
                Gemm.Plan plan = Gemm.Plan.of(m, panels, threads);
                String what = m + "x" + n + "x" + k + " on " + threads + " threads: " + plan;
                assertTrue(plan.rowBlock() % Gemm.MR == 0 && plan.rowBlock() <= Gemm.MC, what + ": row block off the micro-tile grid or above MC");
                assertTrue(threads == 1 ? plan.units() == plan.rowBlocks() : plan.units() >= Math.min(2 * threads, Gemm.ceilDiv(m, Gemm.MR) * panels) / 2,
                        what + ": too few units for the workers");
                int[] covered = new int[m * cols];
                for (int u = 0; u < plan.units(); u++) {
                    for (int i = plan.rowStart(u); i < plan.rowEnd(u); i++)
                        for (int q = plan.panelStart(u); q < plan.panelEnd(u); q++)
                            for (int j = q * Gemm.NR; j < Math.min(cols, (q + 1) * Gemm.NR); j++) covered[i * cols + j]++;
                }
                for (int i = 0; i < covered.length; i++)
                    assertEquals(1, covered[i], what + " covers C(" + i / cols + ", " + i % cols + ") " + covered[i] + " times");
            }
        }
        // Large square problems on 2 workers: row blocks only, an even number of them, none much shorter than the rest.
        for (int m : new int[] {512, 1000, 1024, 2048}) {
            Gemm.Plan two = Gemm.Plan.of(m, Gemm.ceilDiv(m, Gemm.NR), 2);
            assertEquals(1, two.colGroups(), two.toString());
            assertTrue(two.units() >= 4 && two.units() % 2 == 0, two.toString());
            // each block rounds up to the micro-panel height, which the last gives back: up to MR rows per block
            int last = two.rowEnd(two.units() - 1) - two.rowStart(two.units() - 1);
            assertTrue(last >= Math.min(two.rowBlock() * 3 / 4, two.rowBlock() - two.units() * Gemm.MR), "short last block: " + two);
        }
    }

    @Test
    void parallelGemmSplitsRowsOrColumnsAndMatchesReference() {
        // Above the parallel threshold: a wide problem is cut by columns, a tall one by rows.
        Random rnd = new Random(5);
        int k = 300;
        int[][] shapes = {{4, k, 1000}, {1000, k, 10}, {200, k, 200}};
        for (int[] s : shapes) {
            assertTrue((long) s[0] * s[1] * s[2] >= Gemm.MIN_PARALLEL_MACS);
            GemmOperand a = operand(rnd, DType.F32, s[0], s[1], Layout.ROW_MAJOR);
            GemmOperand b = operand(rnd, DType.BF16, s[1], s[2], Layout.COLUMN_MAJOR);
            check("parallel gemm " + s[0] + "x" + s[1] + "x" + s[2], a, b, (c, off, ldc) -> Gemm.multiply(a, b, c, off, ldc, true));
        }
    }

    @Test
    void deepParallelProductsRunAsTasksOverSharedRowBlocks() {
        // one row block per worker or more, rows off the MR grid, depth past KC (a short last depth block), a short
        // last panel; A row-major, transposed and strided, B F32 and column-major BF16, accumulating and with a bias
        Random rnd = new Random(9);
        int saved = org.efuf4j.tensor.Parallel.threads();
        try {
            for (int threads : new int[] {2, 3}) {
                org.efuf4j.tensor.Parallel.setThreads(threads);
                int m = threads * Gemm.MC - 50, k = Gemm.KC + 37, n = 5 * Gemm.NR + 7;
                Layout[] aLayouts = {Layout.ROW_MAJOR, Layout.COLUMN_MAJOR, Layout.STRIDED};
                for (int v = 0; v < aLayouts.length; v++) {
                    GemmOperand a = operand(rnd, DType.F32, m, k, aLayouts[v]);
                    GemmOperand b = v == 1 ? operand(rnd, DType.BF16, k, n, Layout.COLUMN_MAJOR) : operand(rnd, DType.F32, k, n, v == 0 ? Layout.ROW_MAJOR : Layout.COLUMN_MAJOR);
                    assertTrue(Gemm.usesTasks(a, k, threads, Gemm.ceilDiv(n, Gemm.NR)), "should run as tasks: A " + aLayouts[v] + " on " + threads);
                    String what = "tasks " + m + "x" + k + "x" + n + " A " + aLayouts[v] + " on " + threads + " threads";
                    if (v == 1) {
                        float[] bias = new float[n];
                        for (int j = 0; j < n; j++) bias[j] = rnd.nextFloat() - 0.5f;
                        check(what + " product with bias", a, b, (c, off, ldc) -> {
                            float[] out = new float[c.length];
                            java.util.Arrays.fill(out, Float.NaN);
                            Gemm.product(a, b, bias, out, off, ldc, true);
                            for (int i = 0; i < m; i++)
                                for (int j = 0; j < n; j++) c[off + i * ldc + j] += out[off + i * ldc + j] - bias[j];
                        });
                    } else {
                        check(what, a, b, (c, off, ldc) -> Gemm.multiply(a, b, c, off, ldc, true));
                    }
                }
                // a square 2048 product fits the packed-A cap; shallow, short or single-threaded problems keep the row-block plan
                assertTrue(Gemm.usesTasks(operand(rnd, DType.F32, 2048, 2048, Layout.ROW_MAJOR), 2048, threads, Gemm.ceilDiv(2048, Gemm.NR)));
                assertFalse(Gemm.usesTasks(operand(rnd, DType.F32, m, Gemm.KC - 1, Layout.ROW_MAJOR), Gemm.KC - 1, threads, 9));
                assertFalse(Gemm.usesTasks(operand(rnd, DType.F32, Gemm.MC, k, Layout.ROW_MAJOR), k, threads, 9));
                assertFalse(Gemm.usesTasks(operand(rnd, DType.F32, m, k, Layout.ROW_MAJOR), k, 1, 9));
            }
        } finally {
            org.efuf4j.tensor.Parallel.setThreads(saved);
        }
    }

    @Test
    void wholeTilesAccumulateInCAndStartFromTheBias() {
        // Row blocks of whole MR panels, B panels full but the last: the plan path runs the kernel on C itself for those
        // tiles and the scratch tile for the rest. Accumulating, and a product whose output starts as NaN (every element
        // must come from the bias row), shallow (one depth block) and deep (two), in one thread and in parallel.
        Random rnd = new Random(11);
        for (int k : new int[] {37, Gemm.KC + 9}) {
            for (boolean parallel : new boolean[] {false, true}) {
                int m = 8 * Gemm.MR, n = 3 * Gemm.NR + 5;
                GemmOperand a = operand(rnd, DType.F32, m, k, Layout.ROW_MAJOR);
                GemmOperand b = operand(rnd, DType.F32, k, n, Layout.ROW_MAJOR);
                String what = "whole tiles " + m + "x" + k + "x" + n + (parallel ? " parallel" : "");
                check(what, a, b, (c, off, ldc) -> Gemm.multiply(a, b, c, off, ldc, parallel));
                float[] bias = new float[n];
                for (int j = 0; j < n; j++) bias[j] = rnd.nextFloat() - 0.5f;
                check(what + " product with bias", a, b, (c, off, ldc) -> {
                    float[] out = new float[c.length];
                    java.util.Arrays.fill(out, Float.NaN);
                    Gemm.product(a, b, bias, out, off, ldc, parallel);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) c[off + i * ldc + j] += out[off + i * ldc + j] - bias[j];
                });
            }
        }
    }

    @Test
    void gemmsStartedFromInsidePoolWorkersShareNothing() {
        // Each task multiplies while the outer fork is still joining: nested GEMMs must not reuse a caller's panels.
        Random rnd = new Random(6);
        int tasks = 6;
        GemmOperand[] as = new GemmOperand[tasks], bs = new GemmOperand[tasks];
        for (int t = 0; t < tasks; t++) {
            as[t] = operand(rnd, DType.F32, 90 + 7 * t, 130 + t, Layout.ROW_MAJOR);
            bs[t] = operand(rnd, DType.BF16, 130 + t, 100 + 11 * t, Layout.COLUMN_MAJOR);
        }
        float[][] results = new float[tasks][];
        org.efuf4j.tensor.Parallel.forRange(tasks, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                float[] c = new float[as[t].rows() * bs[t].cols()];
                Gemm.multiply(as[t], bs[t], c, 0, bs[t].cols(), true);
                results[t] = c;
            }
        });
        for (int t = 0; t < tasks; t++) {
            int task = t;
            check("nested gemm " + t, as[t], bs[t], (c, off, ldc) -> {
                for (int i = 0; i < as[task].rows(); i++)
                    for (int j = 0; j < bs[task].cols(); j++) c[off + i * ldc + j] += results[task][i * bs[task].cols() + j];
            });
        }
    }

    @Test
    void matrixVectorMatchesReference() {
        Random rnd = new Random(3);
        int[] depths = {1, 7, 8, 1000, 1030, 2100};
        int[] widths = {1, 3, 4, 5, 8, 13, 17};
        for (int m = 1; m <= Gemv.MAX_ROWS; m++) {
            for (int k : depths) {
                for (int n : widths) {
                    for (DType bt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                        Layout la = rnd.nextBoolean() ? Layout.ROW_MAJOR : Layout.STRIDED;
                        GemmOperand a = operand(rnd, DType.F32, m, k, la);
                        GemmOperand b = operand(rnd, bt, k, n, Layout.COLUMN_MAJOR);
                        assertTrue(Gemv.applies(a, b));
                        boolean parallel = rnd.nextBoolean();
                        check("gemv " + m + "x" + k + "x" + n + " A " + la + " " + bt, a, b, (c, off, ldc) -> Gemv.multiply(a, b, c, off, ldc, parallel));
                    }
                }
            }
        }
    }

    @Test
    void matrixVectorReadsRowMajorF32InPlace() {
        // dY W at batch 1: B's rows are contiguous; several column chunks, masked ends, depths not divisible by 4, a padded row stride.
        Random rnd = new Random(5);
        int[] depths = {1, 2, 7, 8, 1030};
        int[] widths = {1, 5, 8, 31, 33, 100, 513, 1100};
        for (int m = 1; m <= Gemv.MAX_ROWS; m++) {
            for (int k : depths) {
                for (int n : widths) {
                    GemmOperand a = operand(rnd, DType.F32, m, k, rnd.nextBoolean() ? Layout.ROW_MAJOR : Layout.STRIDED);
                    GemmOperand dense = operand(rnd, DType.F32, k, n, Layout.ROW_MAJOR);
                    int pad = Math.min(rnd.nextInt(3), n - 1);
                    // a column slice from the second column on: row stride n, n - pad columns
                    GemmOperand b = pad == 0 ? dense : new GemmOperand(dense.segment(), DType.F32, dense.offset() + 1, n, 1, k, n - pad);
                    assertTrue(Gemv.applies(a, b));
                    boolean parallel = rnd.nextBoolean(), offHeap = rnd.nextBoolean();
                    GemmOperand bb = offHeap ? nativeCopy(b) : b;
                    check("gemv rows " + m + "x" + k + "x" + b.cols() + " stride " + b.rowStride() + (offHeap ? " native" : " heap"), a, bb,
                            (c, off, ldc) -> Gemv.multiply(a, bb, c, off, ldc, parallel));
                }
            }
        }
    }

    @Test
    void eightRowDotsEqualFourRowDotsBitForBit() {
        // the wide in-place kernels stream eight weight rows at once; each row's sum must be the one four at a time gives
        Random rnd = new Random(8);
        for (int k : new int[] {2, 30, 64, 101, 179, 1030, 4097}) {
            float[] x = new float[k], w = new float[8 * k];
            short[] wb = new short[8 * k];
            for (int i = 0; i < k; i++) x[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian();
                wb[i] = (short) (Float.floatToRawIntBits(w[i]) >>> 16);
            }
            long[] rows = new long[8];
            for (int r = 0; r < 8; r++) rows[r] = (long) r * k;
            float[] four = new float[8], eight = new float[8], sums = new float[4];
            MemorySegment ws = MemorySegment.ofArray(w);
            for (int h = 0; h < 8; h += 4) {
                Gemv.dotF32x4(ws, w, rows[h], rows[h + 1], rows[h + 2], rows[h + 3], x, 0, k, sums);
                System.arraycopy(sums, 0, four, h, 4);
            }
            for (boolean heap : new boolean[] {true, false}) {
                Gemv.dotF32x8(heap ? ws : nativeCopy(ws), heap ? w : null, rows, x, 0, k, eight);
                for (int r = 0; r < 8; r++)
                    assertEquals(Float.floatToRawIntBits(four[r]), Float.floatToRawIntBits(eight[r]), "F32 k=" + k + " row " + r + (heap ? " heap" : " native"));
            }
            int half = k / 2;
            float[] even = new float[half], odd = new float[half];
            for (int j = 0; j < half; j++) {
                even[j] = x[2 * j];
                odd[j] = x[2 * j + 1];
            }
            MemorySegment bs = MemorySegment.ofArray(wb);
            for (int r = 0; r < 8; r++) rows[r] = 2L * r * k;
            for (boolean heap : new boolean[] {true, false}) {
                Gemv.dotBf16x8(heap ? bs : nativeCopy(bs), rows, even, odd, 0, half, eight);
                for (int h = 0; h < 8; h += 4) {
                    Gemv.dotBf16x4(bs, heap ? wb : null, 0, rows[h], rows[h + 1], rows[h + 2], rows[h + 3], even, odd, 0, half, sums);
                    System.arraycopy(sums, 0, four, h, 4);
                }
                for (int r = 0; r < 8; r++)
                    assertEquals(Float.floatToRawIntBits(four[r]), Float.floatToRawIntBits(eight[r]), "BF16 k=" + k + " row " + r + (heap ? " heap" : " segment"));
            }
        }
    }

    @Test
    void matrixVectorBitsDoNotDependOnTheThreadCount() {
        // the row-major path sums depth pieces; the weight paths dot whole columns: none may round differently on one
        // thread, on three, or called serially, nor before and after C2 compiles the kernels (the first pass runs cold,
        // the second after enough calls to compile them; the lane sums once differed between tiers and failed here)
        Random rnd = new Random(6);
        GemmOperand a = operand(rnd, DType.F32, 3, 1030, Layout.ROW_MAJOR);
        GemmOperand[] bs = {operand(rnd, DType.F32, 1030, 700, Layout.ROW_MAJOR), operand(rnd, DType.F32, 1030, 700, Layout.COLUMN_MAJOR),
                operand(rnd, DType.BF16, 1030, 700, Layout.COLUMN_MAJOR)};
        float[][] first = new float[bs.length][];
        int saved = org.efuf4j.tensor.Parallel.threads();
        try {
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 1) for (int warm = 0; warm < 40; warm++) for (GemmOperand b : bs) Gemv.multiply(a, b, new float[3 * 700], 0, 700, false);
                for (int which = 0; which < bs.length; which++) {
                    GemmOperand b = bs[which];
                    for (int threads : new int[] {1, 2, 3}) {
                        org.efuf4j.tensor.Parallel.setThreads(threads);
                        for (boolean parallel : new boolean[] {true, false}) {
                            float[] c = new float[3 * 700];
                            Gemv.multiply(a, b, c, 0, 700, parallel);
                            if (first[which] == null) first[which] = c;
                            else for (int i = 0; i < c.length; i++)
                                assertEquals(Float.floatToRawIntBits(first[which][i]), Float.floatToRawIntBits(c[i]), b.dtype() + " B "
                                        + (b.colStride() == 1 ? "row-major" : "column-major") + " pass " + pass + " on " + threads + " threads, parallel " + parallel + ", element " + i);
                        }
                    }
                }
            }
        } finally {
            org.efuf4j.tensor.Parallel.setThreads(saved);
        }
    }

    static MemorySegment nativeCopy(MemorySegment heap) {
        MemorySegment offHeap = java.lang.foreign.Arena.ofAuto().allocate(heap.byteSize(), 64);
        offHeap.copyFrom(heap);
        return offHeap;
    }

    static GemmOperand nativeCopy(GemmOperand heap) {
        MemorySegment offHeap = java.lang.foreign.Arena.ofAuto().allocate(heap.segment().byteSize(), 64);
        offHeap.copyFrom(heap.segment());
        return new GemmOperand(offHeap, heap.dtype(), heap.offset(), heap.rowStride(), heap.colStride(), heap.rows(), heap.cols());
    }

    @Test
    void kernelsReadNativeSegmentsLikeMappedWeights() {
        // Checkpoint weights are file-mapped native segments, a different load path from heap arrays.
        Random rnd = new Random(4);
        for (DType bt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
            for (int m : new int[] {1, 3, 20}) {
                GemmOperand a = operand(rnd, DType.F32, m, 1031, Layout.ROW_MAJOR);
                GemmOperand b = nativeCopy(operand(rnd, bt, 1031, 13, Layout.COLUMN_MAJOR));
                check("native " + bt + " m=" + m, a, b, (c, off, ldc) -> {
                    if (Gemv.applies(a, b)) Gemv.multiply(a, b, c, off, ldc, true);
                    else Gemm.multiply(a, b, c, off, ldc, true);
                });
            }
        }
    }

    @Test
    void widenedHalvesEqualScalarConversionForEveryBitPattern() {
        short[] bits = new short[1 << 16];
        for (int i = 0; i < bits.length; i++) bits[i] = (short) i;
        MemorySegment seg = MemorySegment.ofArray(bits);
        for (DType t : new DType[] {DType.BF16, DType.F16}) {
            // One long run (F16: the plain conversion loop) and runs of 37 (F16: the vector bit path); an odd
            // length and offset exercise the vector body and the scalar tail.
            for (int run : new int[] {bits.length, 37}) {
                float[] wide = new float[bits.length + 3];
                for (int i0 = 0; i0 < bits.length; i0 += run) Widen.run(seg, t, i0, wide, 3 + i0, Math.min(run, bits.length - i0));
                for (int i = 0; i < bits.length; i++) {
                    float expected = HostAccess.readFloat(seg, t, i);
                    float actual = wide[3 + i];
                    String what = t + " runs of " + run + ", bits 0x" + Integer.toHexString(i);
                    if (Float.isNaN(expected)) assertTrue(Float.isNaN(actual), what + " should widen to NaN");
                    else assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), what);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    interface Kernel { void run(float[] c, int offset, int ldc); }

    /** Runs the kernel into a C with an offset, a padded leading dimension and non-zero initial values (it must add). */
    static void check(String what, GemmOperand a, GemmOperand b, Kernel kernel) {
        int m = a.rows(), k = a.cols(), n = b.cols();
        int ldc = n + 3, off = 5;
        float[] c = new float[off + m * ldc];
        Random rnd = new Random(m * 31L + n);
        for (int i = 0; i < c.length; i++) c[i] = rnd.nextFloat() - 0.5f;
        float[] expected = c.clone();
        double[] product = Ref64.matmul(a, b);
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) expected[off + i * ldc + j] += (float) product[i * n + j];
        float[] initial = c.clone();
        kernel.run(c, off, ldc);
        float tol = (Math.min(k, Gemm.KC) + Gemm.ceilDiv(k, Gemm.KC) + 2) * U;
        float[] absA = new float[m * k], absB = new float[k * n];
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) absA[i * k + p] = Math.abs(a.get(i, p));
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) absB[p * n + j] = Math.abs(b.get(p, j));
        for (int i = 0; i < c.length; i++) {
            int row = (i - off) / ldc, col = (i - off) % ldc;
            boolean inside = i >= off && col < n;
            if (!inside) {
                assertEquals(initial[i], c[i], what + ": element " + i + " outside the output was written");
                continue;
            }
            double scale = Math.abs(initial[i]);
            for (int p = 0; p < k; p++) scale += (double) absA[row * k + p] * absB[p * n + col];
            double err = Math.abs(c[i] - expected[i]);
            if (err > tol * scale + 1e-30)
                fail(what + ": C[" + row + "][" + col + "] = " + c[i] + ", reference " + expected[i] + ", error " + err + " > " + tol + " * " + scale);
        }
    }

    /** A random rows x cols operand of {@code dtype} laid out as asked, inside a larger buffer at a non-zero offset. */
    static GemmOperand operand(Random rnd, DType dtype, int rows, int cols, Layout layout) {
        long offset = 3;
        long rs, cs, size;
        switch (layout) {
            case ROW_MAJOR -> { rs = cols; cs = 1; size = (long) rows * cols; }
            case COLUMN_MAJOR -> { rs = 1; cs = rows; size = (long) rows * cols; }
            default -> { rs = 2L * cols + 1; cs = 2; size = rows * rs; }
        }
        int total = (int) (offset + size + 2);
        MemorySegment seg = dtype == DType.F32 ? MemorySegment.ofArray(new float[total]) : MemorySegment.ofArray(new short[total]);
        for (int i = 0; i < total; i++) HostAccess.writeFloat(seg, dtype, i, (float) rnd.nextGaussian());
        return new GemmOperand(seg, dtype, offset, rs, cs, rows, cols);
    }
}

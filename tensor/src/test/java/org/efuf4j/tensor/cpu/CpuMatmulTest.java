package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code matmul} and {@code linear} through the backend against a naive element-by-element product computed
 * here from {@link Tensor#getFloat} in double: batch broadcasting, batch folding, views that cannot be
 * folded, transposed operands, 1-D operands, half-precision weights, bias, and the error messages.
 * Tolerance 1e-5 relative to {@code sum |a||b|} per element, above the F32 summation bound of
 * {@link GemmTest} for the depths used here (K <= 300: (300 + 1 + 2) * 2^-24 = 1.8e-5 worst case is never
 * approached by random data; a wrong term costs ~1/K).
 */
class CpuMatmulTest {
    private static final CpuBackend B = CpuBackend.INSTANCE;
    private final Random rnd = new Random(11);

    @Test
    void batchDimsBroadcast() {
        Tensor a = random(DType.F32, 2, 1, 5, 7), b = random(DType.F32, 3, 7, 4);
        Tensor c = B.matmul(a, b);
        assertArrayEquals(new int[] {2, 3, 5, 4}, c.shape());
        assertMatches(naive(a, b, null), c);
    }

    @Test
    void sharedWeightFoldsBatchIntoRowsAndUnfoldableViewsStillWork() {
        Tensor w = random(DType.F32, 7, 9);
        Tensor a = random(DType.F32, 2, 3, 5, 7);
        assertMatches(naive(a, w, null), B.matmul(a, w));
        // [3, 2, 5, 7] seen as [2, 3, 5, 7]: the leading dims can no longer be walked with one stride.
        Tensor swapped = random(DType.F32, 3, 2, 5, 7).transpose(0, 1);
        assertMatches(naive(swapped, w, null), B.matmul(swapped, w));
        Tensor big = random(DType.F32, 1, 200, 300), wide = random(DType.F32, 300, 70);
        assertMatches(naive(big, wide, null), B.matmul(big, wide));
    }

    @Test
    void transposedOperandsOnBothSidesAndHalfWeights() {
        for (int m : new int[] {1, 2, 5, 40}) {
            Tensor aT = random(DType.F32, 13, m).transpose(0, 1);
            for (DType bt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                Tensor bT = random(bt, 6, 13).transpose(0, 1);
                Tensor bRow = random(bt, 13, 6);
                assertMatches(naive(aT, bT, null), B.matmul(aT, bT));
                assertMatches(naive(aT, bRow, null), B.matmul(aT, bRow));
            }
        }
    }

    @Test
    void manySmallBatchItemsRunOnePerWorker() {
        Tensor a = random(DType.F32, 8, 3, 4), b = random(DType.F32, 8, 4, 5).transpose(1, 2).contiguous().transpose(1, 2);
        assertMatches(naive(a, b, null), B.matmul(a, b));
    }

    @Test
    void oneDimensionalOperandsFollowNumpy() {
        Tensor v = random(DType.F32, 7), m = random(DType.F32, 7, 3), m2 = random(DType.F32, 4, 7);
        assertMatches(naive(v.unsqueeze(0), m, null).withShape(3), B.matmul(v, m));
        assertMatches(naive(m2, v.unsqueeze(1), null).withShape(4), B.matmul(m2, v));
        assertMatches(naive(v.unsqueeze(0), v.unsqueeze(1), null).withShape(), B.matmul(v, v));
    }

    @Test
    void integerOperandsAreCastToF32() {
        Tensor a = Tensor.ofInts(new int[] {1, 2, 3, 4, 5, 6}, 2, 3), b = Tensor.ofInts(new int[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new float[] {4, 5, 10, 11}, B.matmul(a, b).toFloatArray());
    }

    @Test
    void linearWithHalfWeightsAndBiasMatchesNaive() {
        for (DType wt : new DType[] {DType.F32, DType.BF16, DType.F16}) {
            Tensor w = random(wt, 11, 17), bias = random(DType.F32, 11);
            for (Tensor x : new Tensor[] {random(DType.F32, 2, 3, 17), random(DType.F32, 1, 17), random(DType.F32, 17),
                    random(DType.F32, 3, 2, 17).transpose(0, 1), random(DType.F32, 17, 9).transpose(0, 1)}) {
                int[] shape = x.shape();
                shape[shape.length - 1] = 11;
                Tensor rows = x.rank() == 1 ? x.unsqueeze(0) : x;
                assertMatches(naive(rows, w.transpose(0, 1), bias).withShape(shape), B.linear(x, w, bias));
                assertMatches(naive(rows, w.transpose(0, 1), null).withShape(shape), B.linear(x, w, null));
            }
        }
    }

    @Test
    void decodeStepOnALargeBf16WeightStreamsThroughTheMatrixVectorKernel() {
        Tensor w = random(DType.BF16, 150, 1100), x = random(DType.F32, 1, 1100), bias = random(DType.F32, 150);
        assertMatches(naive(x, w.transpose(0, 1), bias), B.linear(x, w, bias));
    }

    @Test
    void badShapesNameBothOperands() {
        var e = assertThrows(IllegalArgumentException.class, () -> B.matmul(random(DType.F32, 2, 3), random(DType.F32, 4, 5)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> B.matmul(random(DType.F32, 2, 2, 3), random(DType.F32, 3, 3, 4)));
        assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> B.linear(random(DType.F32, 2, 5), random(DType.F32, 3, 4), null));
        assertTrue(e.getMessage().contains("in_features=4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> B.linear(random(DType.F32, 2, 4), random(DType.F32, 3, 4), random(DType.F32, 4)));
        assertTrue(e.getMessage().contains("bias must be [3]"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private Tensor random(DType dtype, int... shape) {
        float[] data = new float[(int) Shapes.numel(shape)];
        for (int i = 0; i < data.length; i++) data[i] = (float) rnd.nextGaussian();
        return dtype == DType.F32 ? Tensor.of(data, shape) : Tensor.ofHalf(dtype, data, shape);
    }

    /** Expected values of a product and, per element, {@code sum |a||b| + |bias|}, the scale of its rounding error. */
    private record Expected(int[] shape, float[] values, float[] scale) {
        Expected withShape(int... newShape) {
            assertEquals(Shapes.numel(shape), Shapes.numel(newShape), "test reshapes the naive result");
            return new Expected(newShape, values, scale);
        }
    }

    /** Naive batched product of rank >= 2 operands, plus a bias over the last dim when given. */
    private static Expected naive(Tensor a, Tensor b, Tensor bias) {
        int m = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
        int[] aBatch = java.util.Arrays.copyOf(a.shape(), a.rank() - 2), bBatch = java.util.Arrays.copyOf(b.shape(), b.rank() - 2);
        int[] batch = Shapes.broadcast(aBatch, bBatch);
        int items = (int) Shapes.numel(batch);
        float[] out = new float[items * m * n], scale = new float[out.length];
        int[] idx = new int[batch.length];
        for (int t = 0; t < items; t++) {
            long[] ai = new long[a.rank()], bi = new long[b.rank()];
            for (int d = 0; d < aBatch.length; d++) ai[d] = aBatch[d] == 1 ? 0 : idx[d + batch.length - aBatch.length];
            for (int d = 0; d < bBatch.length; d++) bi[d] = bBatch[d] == 1 ? 0 : idx[d + batch.length - bBatch.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = bias == null ? 0 : bias.getFloat(j), abs = Math.abs(s);
                    for (int p = 0; p < k; p++) {
                        ai[a.rank() - 2] = i; ai[a.rank() - 1] = p;
                        bi[b.rank() - 2] = p; bi[b.rank() - 1] = j;
                        double prod = (double) a.getFloat(ai) * b.getFloat(bi);
                        s += prod;
                        abs += Math.abs(prod);
                    }
                    out[(t * m + i) * n + j] = (float) s;
                    scale[(t * m + i) * n + j] = (float) abs;
                }
            }
            for (int d = batch.length - 1; d >= 0; d--) { if (++idx[d] < batch[d]) break; idx[d] = 0; }
        }
        int[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        return new Expected(shape, out, scale);
    }

    private static void assertMatches(Expected expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        assertEquals(DType.F32, actual.dtype());
        assertTrue(actual.isContiguous(), "result must be contiguous");
        float[] a = actual.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            double tol = 1e-5 * expected.scale()[i] + 1e-30;
            if (Math.abs(expected.values()[i] - a[i]) > tol)
                fail("element " + i + " of " + Shapes.str(actual.shape()) + ": expected " + expected.values()[i] + ", got " + a[i] + " (tolerance " + tol + ")");
        }
    }
}

package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.TestData;
import org.efuf4j.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuReductions} against ref64 ({@link Ref64}, the double-precision reference backend) and against torch.
 *
 * <p>Tolerances: MAX, MIN and argmax select an input and must match exactly. F32 sums differ from ref64's
 * double sums by rounding that grows with the summands' magnitudes, not with the result (which can
 * cancel to ~0): the bound used is 1e-6 times the sum of |x| along the axis, about 16 F32 epsilons, ample
 * for the pairwise-ish vector accumulation of a few thousand terms. Softmax probabilities: one EXP
 * (about 1 ulp) and a normalising sum, rtol 1e-5; log-softmax is a difference of O(|x|) terms, so atol 1e-5.
 */
class ReductionsTest {
    static final int[][] SHAPES = {{1}, {9}, {8}, {3, 5}, {4, 17}, {2, 3, 7}, {5, 1, 33}, {2, 4, 3, 10}, {3, 5, 2100}, {2, 2051}};

    @Test
    void reduceMatchesReferenceOnEveryAxisAndLayout() {
        Random r = new Random(3);
        for (int[] shape : SHAPES) {
            float[] data = TestData.gaussian(r, (int) Shapes.numel(shape), 2);
            for (TestData.Layout layout : TestData.layouts(data, shape))
                for (int axis = -1; axis < shape.length; axis++) {
                    Tensor x = layout.tensor();
                    float[] absSum = Ref64.reduce(ReduceOp.SUM, Ref64.unary(UnaryOp.ABS, x), axis, false).toFloatArray();
                    int n = x.dim(axis);
                    for (ReduceOp op : ReduceOp.values()) {
                        Tensor ref = Ref64.reduce(op, x, axis, false);
                        for (boolean keep : new boolean[] {false, true}) {
                            Tensor fast = CpuReductions.reduce(op, x, axis, keep);
                            String what = op + " axis " + axis + " keepDim " + keep + " on " + layout;
                            int[] expectedShape = x.shape();
                            expectedShape[Shapes.axis(axis, shape.length)] = 1;
                            assertArrayEquals(keep ? expectedShape : ref.shape(), fast.shape(), what);
                            if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                                assertArrayEquals(ref.toFloatArray(), fast.toFloatArray(), 0f, what);
                            } else {
                                assertWithin(ref.toFloatArray(), fast.toFloatArray(), absSum, op == ReduceOp.MEAN ? n : 1, what);
                            }
                        }
                    }
                }
        }
    }

    /** Within 1e-6 of the sum of |x| along the axis (divided by {@code n} for a mean). */
    private static void assertWithin(float[] expected, float[] actual, float[] absSum, int n, String what) {
        for (int i = 0; i < expected.length; i++)
            if (!(Math.abs(actual[i] - expected[i]) <= 1e-6 * absSum[i] / n + 1e-30))
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (sum |x| " + absSum[i] + ")");
    }

    @Test
    void reduceKnownValuesAndEdgeCases() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {5, 7, 9}, CpuReductions.reduce(ReduceOp.SUM, x, 0, false).toFloatArray());
        assertArrayEquals(new float[] {2, 5}, CpuReductions.reduce(ReduceOp.MEAN, x, 1, false).toFloatArray());
        assertArrayEquals(new int[] {2, 1}, CpuReductions.reduce(ReduceOp.MAX, x, -1, true).shape());
        assertArrayEquals(new float[] {1, 2, 3}, CpuReductions.reduce(ReduceOp.MIN, x, 0, false).toFloatArray());
        // NaN propagates through MAX as in torch
        Tensor n = Tensor.of(new float[] {1, Float.NaN, 3, 0, 0, 0, 0, 0, 0, 0}, 10);
        assertTrue(Float.isNaN(CpuReductions.reduce(ReduceOp.MAX, n, 0, false).item()));
        // an empty axis: sums are 0, means NaN, max undefined
        Tensor e = Tensor.zeros(DType.F32, 3, 0);
        assertArrayEquals(new float[] {0, 0, 0}, CpuReductions.reduce(ReduceOp.SUM, e, 1, false).toFloatArray());
        assertTrue(Float.isNaN(CpuReductions.reduce(ReduceOp.MEAN, e, 1, false).toFloatArray()[0]));
        var err = assertThrows(IllegalArgumentException.class, () -> CpuReductions.reduce(ReduceOp.MAX, e, 1, false));
        assertTrue(err.getMessage().contains("empty"), err.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuReductions.reduce(ReduceOp.SUM, x, 2, false));
    }

    @Test
    void argmaxMatchesReferenceWithTies() {
        Random r = new Random(8);
        for (int[] shape : SHAPES) {
            float[] data = TestData.gaussian(r, (int) Shapes.numel(shape), 2);
            // coarse values: many ties, so "first maximum" is exercised
            for (int i = 0; i < data.length; i++) data[i] = Math.round(data[i]);
            for (TestData.Layout layout : TestData.layouts(data, shape))
                for (int axis = 0; axis < shape.length; axis++) {
                    Tensor fast = CpuReductions.argmax(layout.tensor(), axis);
                    assertEquals(DType.I64, fast.dtype());
                    Tensor ref = Ref64.argmax(layout.tensor(), axis);
                    assertArrayEquals(ref.shape(), fast.shape());
                    assertArrayEquals(ref.toLongArray(), fast.toLongArray(), "argmax axis " + axis + " on " + layout);
                }
        }
    }

    @Test
    void argmaxMatchesTorchAndTreatsNanAsMaximum() {
        JsonNode a = TestData.fixture().get("argmax");
        Tensor x = Tensor.of(TestData.floats(a.get("x")), TestData.ints(a.get("shape")));
        assertArrayEquals(TestData.longs(a.get("axis1")), CpuReductions.argmax(x, 1).toLongArray());
        assertArrayEquals(TestData.longs(a.get("axis0")), CpuReductions.argmax(x, 0).toLongArray());
        float[] v = new float[20];
        v[3] = 7;
        v[11] = Float.NaN;
        v[15] = Float.NaN;
        assertEquals(11, CpuReductions.argmax(Tensor.of(v, 20), 0).getLong(new long[0]));
        float[] neg = new float[19];
        java.util.Arrays.fill(neg, Float.NEGATIVE_INFINITY);
        assertEquals(0, CpuReductions.argmax(Tensor.of(neg, 19), 0).getLong(new long[0]));
    }

    @Test
    void softmaxMatchesReference() {
        Random r = new Random(4);
        for (int[] shape : SHAPES) {
            float[] data = TestData.gaussian(r, (int) Shapes.numel(shape), 5);
            for (TestData.Layout layout : TestData.layouts(data, shape)) {
                Tensor x = layout.tensor();
                assertClose(Ref64.softmax(x), CpuReductions.softmax(x), 1e-5, 1e-7, "softmax on " + layout);
                assertClose(Ref64.logSoftmax(x), CpuReductions.logSoftmax(x), 1e-5, 1e-5, "logSoftmax on " + layout);
            }
        }
    }

    @Test
    void softmaxOverMaskedRows() {
        float ni = Float.NEGATIVE_INFINITY;
        float[] data = {ni, ni, ni, ni, ni, ni, ni, ni, ni, // fully masked
                1f, ni, 2f, ni, ni, ni, ni, ni, 0.5f,        // partly masked
                1e4f, -1e4f, 0, 0, 0, 0, 0, 0, 3e4f};         // large spread
        Tensor x = Tensor.of(data, 3, 9);
        float[] p = CpuReductions.softmax(x).toFloatArray();
        float[] lp = CpuReductions.logSoftmax(x).toFloatArray();
        for (int i = 0; i < 9; i++) {
            assertEquals(0f, p[i], "fully masked row gives zero probabilities");
            assertEquals(ni, lp[i], "fully masked row gives log-probability -inf");
        }
        // ref64 gives NaN for a row with no finite entry (its max is -inf), so the fully masked row is held to the
        // definition above and only the other rows to ref64
        Tensor rest = x.slice(0, 1, 3);
        assertClose(Ref64.softmax(rest), CpuReductions.softmax(x).slice(0, 1, 3), 1e-6, 0, "masked softmax");
        assertClose(Ref64.logSoftmax(rest), CpuReductions.logSoftmax(x).slice(0, 1, 3), 1e-6, 1e-6, "masked logSoftmax");
        for (int r = 1; r < 3; r++) {
            double s = 0;
            for (int i = 0; i < 9; i++) s += p[r * 9 + i];
            assertEquals(1.0, s, 1e-6, "row " + r + " sums to one");
        }
        assertEquals(0f, p[9 + 1]);
    }

    @Test
    void softmaxMatchesTorch() {
        JsonNode s = TestData.fixture().get("softmax");
        Tensor x = Tensor.of(TestData.floats(s.get("x")), TestData.ints(s.get("shape")));
        assertClose(TestData.floats(s.get("softmax")), CpuReductions.softmax(x).toFloatArray(), 1e-5, 1e-7, "softmax vs torch");
        assertClose(TestData.floats(s.get("log_softmax")), CpuReductions.logSoftmax(x).toFloatArray(), 1e-5, 1e-5, "log_softmax vs torch");
    }
}

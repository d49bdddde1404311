package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.TestData;
import org.efuf4j.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuElementwise} against ref64 ({@link Ref64}, the double-precision reference backend) and against torch.
 *
 * <p>Tolerances: unary functions are computed in F32 with the Vector API's EXP/LOG/TANH (about 1 ulp) and
 * a few further F32 roundings, while ref64 evaluates in double and the result is rounded once; the worst case
 * measured is about 2e-6 relative (the erfc fit inside GELU), so rtol 1e-5 leaves margin, and atol 1e-6 covers
 * results that are zero up to underflow (SiLU and GELU far left). Binary operations must agree exactly: the
 * kernel does one IEEE F32 operation, ref64 the same operation in double on the same (float) inputs, and double
 * has more than twice float's precision plus two bits, so rounding its +, -, * or / to float gives the correctly
 * rounded float result (MAX and MIN only select an input).
 */
class ElementwiseTest {
    static final int[][] SHAPES = {{1}, {7}, {8}, {13}, {3, 5}, {4, 9}, {2, 3, 17}, {5, 1, 33}, {2, 4, 3, 70}, {1, 1, 1}, {3, 2051}};

    @Test
    void unaryMatchesReferenceInEveryLayout() {
        Random r = new Random(11);
        for (int[] shape : SHAPES) {
            float[] data = TestData.gaussian(r, (int) Shapes.numel(shape), 3);
            for (TestData.Layout layout : TestData.layouts(data, shape))
                for (UnaryOp op : UnaryOp.values()) {
                    Tensor fast = CpuElementwise.unary(op, layout.tensor());
                    assertEquals(DType.F32, fast.dtype());
                    assertTrue(fast.isContiguous());
                    assertClose(Ref64.unary(op, layout.tensor()), fast, 1e-5, 1e-6, op + " on " + layout);
                }
        }
    }

    @Test
    void unaryHandlesSpecialValuesLikeTheDefinition() {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f, 100f, -100f,
                88.8f, -88.8f, -104f, 1e30f, -1e30f, Float.MIN_VALUE, -Float.MAX_VALUE};
        Tensor x = Tensor.of(special, special.length);
        for (UnaryOp op : UnaryOp.values()) {
            float[] expected = new float[special.length];
            for (int i = 0; i < special.length; i++) expected[i] = op.apply(special[i]);
            assertClose(expected, CpuElementwise.unary(op, x).toFloatArray(), 1e-5, 1e-6, op + " on special values");
        }
    }

    @Test
    void unaryMatchesTorch() {
        JsonNode u = TestData.fixture().get("unary");
        float[] x = TestData.floats(u.get("x")), xp = TestData.floats(u.get("x_positive"));
        String[][] cases = {{"GELU_ERF", "gelu_erf"}, {"GELU_TANH", "gelu_tanh"}, {"QUICK_GELU", "quick_gelu"}, {"SILU", "silu"},
                {"SIGMOID", "sigmoid"}, {"TANH", "tanh"}, {"EXP", "exp"}};
        // the whole array runs through the vector loop; a prefix of 29 also through the scalar tail
        for (int n : new int[] {x.length, 29}) {
            for (String[] c : cases) {
                float[] expected = java.util.Arrays.copyOf(TestData.floats(u.get(c[1])), n);
                float[] got = CpuElementwise.unary(UnaryOp.valueOf(c[0]), Tensor.of(java.util.Arrays.copyOf(x, n), n)).toFloatArray();
                assertClose(expected, got, 1e-5, 1e-6, c[0] + " vs torch (n=" + n + ")");
            }
            float[] p = java.util.Arrays.copyOf(xp, n);
            assertClose(java.util.Arrays.copyOf(TestData.floats(u.get("log_of_positive")), n),
                    CpuElementwise.unary(UnaryOp.LOG, Tensor.of(p, n)).toFloatArray(), 1e-5, 1e-6, "LOG vs torch");
            assertClose(java.util.Arrays.copyOf(TestData.floats(u.get("rsqrt_of_positive")), n),
                    CpuElementwise.unary(UnaryOp.RSQRT, Tensor.of(p, n)).toFloatArray(), 1e-5, 1e-6, "RSQRT vs torch");
        }
    }

    @Test
    void unaryOfExpandedAndRankZeroViews() {
        Tensor row = Tensor.of(new float[] {-1f, 0.5f, 2f}, 1, 3);
        Tensor expanded = row.expand(4, 3);
        assertClose(Ref64.unary(UnaryOp.SILU, expanded), CpuElementwise.unary(UnaryOp.SILU, expanded), 1e-5, 1e-6, "expanded");
        Tensor scalar = Tensor.scalar(2f);
        Tensor y = CpuElementwise.unary(UnaryOp.EXP, scalar);
        assertEquals(0, y.rank());
        assertEquals((float) Math.exp(2), y.item(), 1e-6f);
        assertEquals(0, CpuElementwise.unary(UnaryOp.EXP, Tensor.zeros(DType.F32, 0, 5)).numel());
    }

    @Test
    void binaryBroadcastsExactlyLikeTheReference() {
        int[][][] pairs = {
            {{4, 7}, {4, 7}}, {{4, 7}, {7}}, {{4, 7}, {4, 1}}, {{4, 1}, {1, 7}}, {{3, 1, 5}, {2, 1}}, {{2049}, {1}},
            {{1}, {19}}, {{}, {3, 4}}, {{2, 3, 17}, {3, 17}}, {{6, 5, 9}, {6, 1, 9}}, {{2, 2, 3, 20}, {20}}};
        Random r = new Random(5);
        for (int[][] pair : pairs) {
            float[] da = TestData.gaussian(r, (int) Shapes.numel(pair[0]), 2), db = TestData.gaussian(r, (int) Shapes.numel(pair[1]), 2);
            // no zeros in b: DIV stays finite except where the test means it
            for (int i = 0; i < db.length; i++) if (db[i] == 0) db[i] = 1;
            for (TestData.Layout la : TestData.layouts(da, pair[0]))
                for (TestData.Layout lb : TestData.layouts(db, pair[1]))
                    for (BinaryOp op : BinaryOp.values()) {
                        Tensor fast = CpuElementwise.binary(op, la.tensor(), lb.tensor());
                        Tensor ref = Ref64.binary(op, la.tensor(), lb.tensor());
                        assertArrayEquals(ref.shape(), fast.shape(), op + " shape");
                        assertArrayEquals(ref.toFloatArray(), fast.toFloatArray(), 0f, op + " on " + la + " and " + lb);
                    }
        }
    }

    @Test
    void binarySpecialValues() {
        float[] a = {Float.NaN, 1f, -0f, 0f, Float.POSITIVE_INFINITY, 3f, -2f, 5f, Float.NaN, 1f};
        float[] b = {1f, Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, 0f, 0f, -5f, Float.NaN, 2f};
        for (BinaryOp op : BinaryOp.values()) {
            float[] expected = new float[a.length];
            for (int i = 0; i < a.length; i++) expected[i] = op.apply(a[i], b[i]);
            float[] got = CpuElementwise.binary(op, Tensor.of(a, a.length), Tensor.of(b, b.length)).toFloatArray();
            for (int i = 0; i < a.length; i++)
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(got[i]), op + "(" + a[i] + ", " + b[i] + ")");
        }
    }

    @Test
    void binaryRejectsShapesThatDoNotBroadcast() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CpuElementwise.binary(BinaryOp.ADD, Tensor.zeros(DType.F32, 3, 4), Tensor.zeros(DType.F32, 5)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5]"), e.getMessage());
        var i = assertThrows(IllegalArgumentException.class,
                () -> CpuElementwise.binary(BinaryOp.ADD, Tensor.zeros(DType.F32, 3), Tensor.zeros(DType.I64, 3)));
        assertTrue(i.getMessage().contains("I64") && i.getMessage().contains("b"), i.getMessage());
    }

    @Test
    void affineMatchesReference() {
        Random r = new Random(9);
        for (int[] shape : SHAPES) {
            float[] data = TestData.gaussian(r, (int) Shapes.numel(shape), 4);
            for (TestData.Layout layout : TestData.layouts(data, shape)) {
                // a fused multiply-add and ref64's double evaluation each round once; they may differ by one ulp
                Tensor fast = CpuElementwise.affine(layout.tensor(), 0.37f, -1.25f);
                float[] ref = Ref64.affine(layout.tensor(), 0.37f, -1.25f).toFloatArray(), got = fast.toFloatArray();
                for (int i = 0; i < ref.length; i++)
                    assertEquals(ref[i], got[i], Math.ulp(ref[i]), "affine element " + i + " on " + layout);
            }
        }
    }

    @Test
    void walkMergesContiguousAndRowBroadcastOperands() {
        Tensor x = Tensor.zeros(DType.F32, 4, 5, 6);
        HostRows.Walk one = HostRows.Walk.of(x.shape(), x);
        assertArrayEquals(new int[] {120}, one.shape);
        Tensor bias = Tensor.zeros(DType.F32, 6);
        HostRows.Walk rows = HostRows.Walk.of(x.shape(), x, bias.expand(x.shape()));
        assertArrayEquals(new int[] {20, 6}, rows.shape);
        assertEquals(0, rows.offset(1, 7));
        assertEquals(42, rows.offset(0, 7));
        Tensor t = x.transpose(0, 2);
        HostRows.Walk strided = HostRows.Walk.of(t.shape(), t);
        assertArrayEquals(new int[] {6, 5, 4}, strided.shape);
        assertEquals(30, strided.innerStride(0));
    }
}

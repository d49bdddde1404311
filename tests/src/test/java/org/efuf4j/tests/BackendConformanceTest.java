package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.efuf4j.gpu.opencl.OpenClDevice;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Backend SPI's contracts, checked the same way on every backend: {@code cpu}, {@code ref64} and {@code opencl}
 * (PoCL in CI; the OpenCL leg is skipped only on a machine with no OpenCL device). Each contract is one call made
 * with tensors moved onto the backend under test, compared with the same call on {@code ref64} (double precision) from
 * the same float inputs; the shapes accepted and refused, broadcasting, strided views, dtypes, in-place updates and
 * the errors are the same everywhere.
 *
 * <p>Tolerances, relative to the largest magnitude of the reference result ({@code ref64} against itself must be
 * exact): copies, casts, lookups, patches, dropout masks 0; elementwise, softmax, norms, RoPE 4e-6 (float rounding of a
 * few operations, the devices' exp/erf/tanh within a few ulp); sums and products 2e-6 per square root of the summed
 * length; attention, backward kernels and three optimizer steps 2e-5.
 */
class BackendConformanceTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;
    private static final double EXACT = 0, POINTWISE = 4e-6, COMPOSITE = 2e-5;

    private final SplittableRandom rnd = new SplittableRandom(19);

    static Stream<String> backends() { return Stream.of("cpu", "ref64", "opencl"); }

    private static Backend open(String name) {
        if (name.equals("opencl")) Assumptions.assumeFalse(OpenClDevice.list().isEmpty(), "no OpenCL device (install pocl-opencl-icd)");
        return Backends.of(Device.parse(name));
    }

    private static double sums(int n) { return 2e-6 * Math.sqrt(Math.max(1, n)); }

    // ------------------------------------------------------------ harness

    private Tensor random(int... shape) {
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextDouble() * 2 - 1);
        return Tensor.of(d, shape);
    }

    private static double[] values(Backend be, Tensor t) { return ReferenceBackend.read(be.toHost(t)); }

    /** {@code op} on the backend under test against {@code op} on ref64: same shape, values within {@code tol}. */
    private static void agree(String what, Backend be, Function<Backend, Tensor> op, double tol) {
        Tensor expected = op.apply(REF), actual = op.apply(be);
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertTrue(actual.isContiguous(), what + ": results are contiguous");
        assertEquals(be == REF ? DType.F64 : DType.F32, actual.dtype(), what + ": the backend's compute dtype");
        close(what, values(REF, expected), values(be, actual), be == REF ? EXACT : tol);
    }

    private static void close(String what, double[] e, double[] a, double tol) {
        assertEquals(e.length, a.length, what + ": element count");
        double scale = 1e-6;
        for (double v : e) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i])) { assertTrue(Double.isNaN(a[i]), what + " [" + i + "]: expected NaN, got " + a[i]); continue; }
            if (Double.isInfinite(e[i])) { assertEquals(e[i], a[i], what + " [" + i + "]"); continue; }
            assertEquals(e[i], a[i], tol * scale, what + " at flat index " + i);
        }
    }

    /** The call is refused with an {@link IllegalArgumentException} whose message names each of {@code fragments}. */
    private static void refuses(String what, Backend be, Consumer<Backend> call, String... fragments) {
        var e = assertThrows(IllegalArgumentException.class, () -> call.accept(be), what + " must be refused on " + be.device());
        for (String f : fragments) assertTrue(e.getMessage() != null && e.getMessage().contains(f), what + ": message '" + e.getMessage() + "' names " + f);
    }

    /** A bad index is reported at the latest when the result reaches the host. */
    private static void outOfRange(String what, Backend be, Function<Backend, Tensor> op) {
        assertThrows(IndexOutOfBoundsException.class, () -> be.toHost(op.apply(be)), what + " on " + be.device());
    }

    private static String str(int... shape) { return Shapes.str(shape); }

    // ------------------------------------------------------------ memory and layout

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void memoryTransfersCopiesAndCasts(String name) {
        Backend be = open(name);
        Tensor x = random(3, 5, 7);
        close("round trip", ReferenceBackend.read(x), values(be, be.fromHost(x)), EXACT);
        for (DType dt : new DType[] {DType.BF16, DType.F16}) {
            Tensor half = x.to(dt);
            close(dt + " round trip", ReferenceBackend.read(half), values(be, be.fromHost(half)), EXACT);
            Tensor cast = be.cast(be.fromHost(x), dt);
            close("cast to " + dt + " rounds as torch", ReferenceBackend.read(half), values(be, cast), EXACT);
        }
        Tensor ids = Tensor.ofLongs(new long[] {5, -3, 1L << 40}, 3);
        close("I64 round trip", ReferenceBackend.read(ids), values(be, be.fromHost(ids)), EXACT);
        Tensor zeros = be.zeros(DType.F32, 2, 0, 3);
        assertArrayEquals(new int[] {2, 0, 3}, zeros.shape(), "an empty zeros keeps its shape");
        close("zeros", new double[6], values(be, be.zeros(DType.F32, 2, 3)), EXACT);

        agree("contiguous of a permuted slice", be, b -> b.contiguous(b.fromHost(x).permute(2, 0, 1).slice(1, 1, 3)), EXACT);
        Tensor step = random(2, 1, 3);
        Tensor cache = be.zeros(DType.F32, 2, 4, 3);
        be.copyInto(be.fromHost(step), cache.slice(1, 2, 3));
        double[] got = values(be, cache);
        double[] want = new double[24];
        for (int b = 0; b < 2; b++) for (int c = 0; c < 3; c++) want[b * 12 + 2 * 3 + c] = step.getFloat(b, 0, c);
        close("copyInto a strided slice, other rows untouched", want, got, EXACT);
        refuses("copyInto of another shape", be, b -> b.copyInto(b.fromHost(random(2, 3)), b.zeros(DType.F32, 3, 2)), str(2, 3), str(3, 2));

        Tensor img = random(2, 3, 8, 12);
        agree("patches", be, b -> b.patches(b.fromHost(img), 4), EXACT);
        refuses("patches that do not tile the image", be, b -> b.patches(b.fromHost(img), 5), "8x12", "5x5");
        refuses("patches of a rank-3 image", be, b -> b.patches(b.fromHost(random(3, 8, 8)), 4), str(3, 8, 8));
    }

    // ------------------------------------------------------------ matrix products

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matmulAcceptsWhatTorchAcceptsAndRefusesTheRest(String name) {
        Backend be = open(name);
        for (int[] s : new int[][] {{1, 1, 1}, {7, 13, 5}, {33, 65, 17}}) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = random(2, m, k), bt = random(n, k), w16 = random(k, n).to(DType.BF16);
            agree("matmul " + m + "x" + k + "x" + n + " with b a transposed view", be, b -> b.matmul(b.fromHost(a), b.fromHost(bt).transpose(0, 1)), sums(k));
            agree("matmul with a BF16 b", be, b -> b.matmul(b.fromHost(a), b.fromHost(w16)), sums(k));
        }
        Tensor a4 = random(3, 1, 4, 6), b3 = random(5, 6, 2);
        agree("batch dims broadcast", be, b -> b.matmul(b.fromHost(a4), b.fromHost(b3)), sums(6));
        Tensor v = random(6), m2 = random(6, 4), m3 = random(2, 5, 6), w = random(4, 6);
        agree("vector @ matrix -> [N]", be, b -> b.matmul(b.fromHost(v), b.fromHost(m2)), sums(6));
        agree("matrix @ vector -> [M]", be, b -> b.matmul(b.fromHost(w), b.fromHost(v)), sums(6));
        agree("batch @ vector -> [B, M]", be, b -> b.matmul(b.fromHost(m3), b.fromHost(v)), sums(6));
        Tensor batch = random(2, 6, 3);
        agree("vector @ batch -> [B, N]", be, b -> b.matmul(b.fromHost(v), b.fromHost(batch)), sums(6));
        Tensor dot = be.matmul(be.fromHost(v), be.fromHost(v));
        assertEquals(0, dot.rank(), "vector @ vector is a 0-d scalar");
        agree("vector @ vector", be, b -> b.matmul(b.fromHost(v), b.fromHost(v)), sums(6));

        refuses("a rank-0 operand", be, b -> b.matmul(b.fromHost(Tensor.of(new float[] {2f})), b.fromHost(v)), "rank >= 1");
        refuses("unequal inner dimensions", be, b -> b.matmul(b.fromHost(random(3, 5)), b.fromHost(random(4, 2))), str(3, 5), str(4, 2), "inner dimensions 5 and 4");
        refuses("vectors of unequal length", be, b -> b.matmul(b.fromHost(random(5)), b.fromHost(random(4))), str(5), str(4));
        refuses("batch dims that do not broadcast", be, b -> b.matmul(b.fromHost(random(2, 3, 4)), b.fromHost(random(3, 4, 5))), str(2, 3, 4), str(3, 4, 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void linearTakesAnyLeadingShapeAndHalfWeights(String name) {
        Backend be = open(name);
        Tensor x = random(2, 3, 13), w = random(5, 13), bias = random(5);
        agree("linear with bias", be, b -> b.linear(b.fromHost(x), b.fromHost(w), b.fromHost(bias)), sums(13));
        agree("linear with a BF16 weight, no bias", be, b -> b.linear(b.fromHost(x), b.fromHost(w.to(DType.BF16)), null), sums(13));
        Tensor x1 = random(13), xt = random(13, 4);
        agree("linear of a 1-D input", be, b -> b.linear(b.fromHost(x1), b.fromHost(w), b.fromHost(bias)), sums(13));
        agree("linear of a strided input", be, b -> b.linear(b.fromHost(xt).transpose(0, 1), b.fromHost(w), null), sums(13));
        refuses("a weight of another width", be, b -> b.linear(b.fromHost(x), b.fromHost(random(5, 12)), null), str(5, 12));
        refuses("a weight of rank 3", be, b -> b.linear(b.fromHost(x), b.fromHost(random(1, 5, 13)), null), str(1, 5, 13));
        refuses("a bias of another length", be, b -> b.linear(b.fromHost(x), b.fromHost(w), b.fromHost(random(6))), str(6));
    }

    // ------------------------------------------------------------ elementwise

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void elementwiseOnStridedViewsAndBroadcasts(String name) {
        Backend be = open(name);
        Tensor x = random(4, 9, 5);
        Tensor positive = Backends.cpu().affine(Backends.cpu().unary(UnaryOp.ABS, x), 1f, 0.05f);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.RECIPROCAL ? positive : x;
            agree("unary " + op + " of a transposed view", be, b -> b.unary(op, b.fromHost(in).transpose(0, 2)), POINTWISE);
        }
        Tensor a = random(3, 1, 7), c = random(5, 1);
        for (BinaryOp op : BinaryOp.values()) {
            Tensor divisor = op == BinaryOp.DIV ? Backends.cpu().affine(Backends.cpu().unary(UnaryOp.ABS, c), 1f, 0.5f) : c;
            agree("binary " + op + " [3, 1, 7] with [5, 1]", be, b -> b.binary(op, b.fromHost(a), b.fromHost(divisor)), POINTWISE);
        }
        agree("binary with a 0-d scalar", be, b -> b.binary(BinaryOp.MUL, b.fromHost(a), b.fromHost(Tensor.of(new float[] {3f}))), POINTWISE);
        agree("affine of a sliced view", be, b -> b.affine(b.fromHost(x).slice(1, 2, 7), 2.5f, -1f), POINTWISE);
        refuses("shapes that do not broadcast", be, b -> b.binary(BinaryOp.ADD, b.fromHost(random(3, 4)), b.fromHost(random(5))), str(3, 4), str(5));
    }

    // ------------------------------------------------------------ reductions and softmax

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reductionsArgmaxAndSoftmax(String name) {
        Backend be = open(name);
        Tensor x = random(3, 17, 5);
        for (ReduceOp op : ReduceOp.values())
            for (int axis = -1; axis < 3; axis++) {
                int ax = axis;
                agree("reduce " + op + " axis " + axis, be, b -> b.reduce(op, b.fromHost(x).transpose(0, 2), ax, ax == 1), sums(17));
            }
        Tensor ties = Tensor.of(new float[] {1, 3, 3, 2, 5, 5, 5, 0}, 2, 4);
        Tensor arg = be.argmax(be.fromHost(ties), 1);
        assertEquals(DType.I64, arg.dtype(), "argmax gives I64 indices");
        close("argmax takes the first of tied maxima", new double[] {1, 0}, ReferenceBackend.read(be.toHost(arg)), EXACT);
        Tensor nans = Tensor.of(new float[] {1, Float.NaN, 9, Float.NaN, 7, 2, 8, 1}, 2, 4);
        close("argmax counts the first NaN as the maximum", new double[] {1, 2}, ReferenceBackend.read(be.toHost(be.argmax(be.fromHost(nans), 1))), EXACT);
        refuses("an axis outside the rank", be, b -> b.reduce(ReduceOp.SUM, b.fromHost(x), 3, false), "3");

        Tensor rows = random(6, 301);
        agree("softmax of a strided view", be, b -> b.softmax(b.fromHost(rows).slice(1, 1, 300)), POINTWISE);
        agree("log-softmax", be, b -> b.logSoftmax(b.fromHost(rows)), POINTWISE);
        Tensor masked = Tensor.of(new float[] {0.5f, Float.NEGATIVE_INFINITY, -1f, Float.NEGATIVE_INFINITY}, 1, 4);
        agree("softmax gives -inf entries probability 0", be, b -> b.softmax(b.fromHost(masked)), POINTWISE);
        float ninf = Float.NEGATIVE_INFINITY;
        Tensor empty = Tensor.of(new float[] {ninf, ninf, ninf, 0.25f, ninf, 1f}, 2, 3);
        close("softmax of an all -inf row is zeros", new double[] {0, 0, 0, 0.3208213, 0, 0.6791787},
                ReferenceBackend.read(be.toHost(be.softmax(be.fromHost(empty)))), 1e-6);
        close("log-softmax of an all -inf row is -inf", new double[] {ninf, ninf, ninf, -1.1368710, ninf, -0.3868710},
                ReferenceBackend.read(be.toHost(be.logSoftmax(be.fromHost(empty)))), 1e-6);
    }

    // ------------------------------------------------------------ normalisation and positions

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void normsAndRope(String name) {
        Backend be = open(name);
        Tensor rows = random(6, 301), w = random(301), bias = random(301);
        agree("layerNorm", be, b -> b.layerNorm(b.fromHost(rows), b.fromHost(w), b.fromHost(bias), 1e-5f), POINTWISE);
        agree("layerNorm without weight and bias", be, b -> b.layerNorm(b.fromHost(rows), null, null, 1e-5f), POINTWISE);
        agree("rmsNorm with a BF16 weight", be, b -> b.rmsNorm(b.fromHost(rows), b.fromHost(w.to(DType.BF16)), 1e-6f), POINTWISE);
        refuses("a norm weight of another length", be, b -> b.layerNorm(b.fromHost(rows), b.fromHost(random(300)), null, 1e-5f), str(300));
        refuses("a norm bias of another length", be, b -> b.layerNorm(b.fromHost(rows), null, b.fromHost(random(30)), 1e-5f), str(30));

        Tensor x = random(2, 3, 5, 8);
        Tensor pos64 = Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, 7, 8, 9, 10, 11}, 2, 5);
        Tensor pos32 = Tensor.ofInts(new int[] {0, 1, 2, 3, 4, 7, 8, 9, 10, 11}, 2, 5);
        for (boolean inverse : new boolean[] {false, true})
            agree("rope inverse=" + inverse, be, b -> b.rope(b.fromHost(x), b.fromHost(pos64), 10000f, inverse), POINTWISE);
        agree("rope with I32 positions", be, b -> b.rope(b.fromHost(x), b.fromHost(pos32), 500f, false), POINTWISE);
        refuses("rope of a rank-3 tensor", be, b -> b.rope(b.fromHost(random(3, 5, 8)), b.fromHost(pos64), 1e4f, false), str(3, 5, 8));
        refuses("rope of an odd head dim", be, b -> b.rope(b.fromHost(random(2, 3, 5, 7)), b.fromHost(pos64), 1e4f, false), "7");
        Tensor shared = Tensor.ofLongs(new long[] {3, 1, 4, 1, 5}, 1, 5);
        agree("rope with positions [1, T] shared by the batch", be, b -> b.rope(b.fromHost(x), b.fromHost(shared), 10000f, false), POINTWISE);
        refuses("rope positions of another shape", be, b -> b.rope(b.fromHost(x), b.fromHost(Tensor.ofLongs(new long[8], 2, 4)), 1e4f, false), str(2, 4));
    }

    // ------------------------------------------------------------ lookups

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void embeddingLookupsAndTheirErrors(String name) {
        Backend be = open(name);
        Tensor table = random(11, 6).to(DType.BF16);
        Tensor ids32 = Tensor.ofInts(new int[] {3, 0, 10, 3}, 2, 2), ids64 = Tensor.ofLongs(new long[] {10, 1, 1}, 3);
        agree("embedding of I32 ids in a BF16 table", be, b -> b.embedding(b.fromHost(table), b.fromHost(ids32)), EXACT);
        agree("embedding of I64 ids", be, b -> b.embedding(b.fromHost(table), b.fromHost(ids64)), EXACT);
        outOfRange("an id past the table", be, b -> b.embedding(b.fromHost(table), b.fromHost(Tensor.ofInts(new int[] {11}, 1))));
        outOfRange("a negative id", be, b -> b.embedding(b.fromHost(table), b.fromHost(Tensor.ofLongs(new long[] {-1}, 1))));
        agree("lookups work again after an error was reported", be, b -> b.embedding(b.fromHost(table), b.fromHost(ids32)), EXACT);
        // ref64 holds every tensor as F64 once on its device, so ids cannot be told from floats there
        if (be != REF) refuses("float ids", be, b -> b.embedding(b.fromHost(table), b.fromHost(random(2))), "F32");
        refuses("a table of rank 1", be, b -> b.embedding(b.fromHost(random(11)), b.fromHost(ids32)), str(11));
    }

    // ------------------------------------------------------------ attention

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void attentionWithMasksAndGroupedHeads(String name) {
        Backend be = open(name);
        Tensor q = random(2, 4, 7, 16), k = random(2, 2, 9, 16), v = random(2, 2, 9, 16);
        Tensor keep = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, 2, 9);
        for (int m = 0; m < 4; m++) {
            int kind = m;
            Function<Backend, AttentionMask> mask = b -> switch (kind) {
                case 0 -> AttentionMask.NONE;
                case 1 -> AttentionMask.causal(null, 2);
                case 2 -> AttentionMask.causal(b.fromHost(keep), 2);
                default -> AttentionMask.padding(b.fromHost(keep));
            };
            agree("attention, mask " + m, be, b -> b.attention(b.fromHost(q), b.fromHost(k), b.fromHost(v), mask.apply(b), 0.25f), COMPOSITE);
            Tensor dOut = random(2, 4, 7, 16);
            for (int part = 0; part < 3; part++) {
                int p = part;
                agree("attention backward, mask " + m + ", gradient " + "qkv".charAt(p), be, b -> {
                    Tensor bq = b.fromHost(q), bk = b.fromHost(k), bv = b.fromHost(v);
                    AttentionMask bm = mask.apply(b);
                    Tensor out = b.attention(bq, bk, bv, bm, 0.25f);
                    Backend.AttentionGrads g = b.attentionBackward(bq, bk, bv, bm, 0.25f, out, b.fromHost(dOut));
                    return p == 0 ? g.dq() : p == 1 ? g.dk() : g.dv();
                }, COMPOSITE);
            }
        }
        refuses("keys of another head dim", be, b -> b.attention(b.fromHost(q), b.fromHost(random(2, 2, 9, 8)), b.fromHost(v), AttentionMask.NONE, 1f), str(2, 2, 9, 8));
        refuses("values of another head dim", be, b -> b.attention(b.fromHost(q), b.fromHost(k), b.fromHost(random(2, 2, 9, 24)), AttentionMask.NONE, 1f), str(2, 2, 9, 24));
        refuses("query heads not a multiple of kv heads", be, b -> b.attention(b.fromHost(random(2, 3, 7, 16)), b.fromHost(k), b.fromHost(v), AttentionMask.NONE, 1f), str(2, 3, 7, 16));
    }

    // ------------------------------------------------------------ training kernels

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backwardKernels(String name) {
        Backend be = open(name);
        Tensor x = random(4, 9, 5), dy = random(5, 9, 4);
        Tensor positive = Backends.cpu().affine(Backends.cpu().unary(UnaryOp.ABS, x), 1f, 0.05f);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.RECIPROCAL ? positive : x;
            agree("unaryBackward " + op + " of strided views", be, b -> b.unaryBackward(op, b.fromHost(in).transpose(0, 2), b.fromHost(dy)), POINTWISE);
        }
        refuses("unaryBackward with a gradient of another shape", be, b -> b.unaryBackward(UnaryOp.EXP, b.fromHost(x), b.fromHost(random(4, 9))), str(4, 9), str(4, 9, 5));

        Tensor rows = random(6, 31), g = random(6, 31);
        agree("softmaxBackward", be, b -> b.softmaxBackward(b.softmax(b.fromHost(rows)), b.fromHost(g)), COMPOSITE);
        agree("logSoftmaxBackward", be, b -> b.logSoftmaxBackward(b.logSoftmax(b.fromHost(rows)), b.fromHost(g)), COMPOSITE);

        Tensor w = random(31);
        for (int part = 0; part < 3; part++) {
            int p = part;
            agree("layerNormBackward part " + p, be, b -> {
                Backend.NormGrads n = b.layerNormBackward(b.fromHost(rows), b.fromHost(w), true, 1e-5f, b.fromHost(g));
                return p == 0 ? n.dx() : p == 1 ? n.dWeight() : n.dBias();
            }, COMPOSITE);
        }
        Backend.NormGrads bare = be.layerNormBackward(be.fromHost(rows), null, false, 1e-5f, be.fromHost(g));
        assertTrue(bare.dWeight() == null && bare.dBias() == null, "a norm without weight and bias gets no gradients for them");
        agree("layerNormBackward without weight", be, b -> b.layerNormBackward(b.fromHost(rows), null, false, 1e-5f, b.fromHost(g)).dx(), COMPOSITE);
        agree("rmsNormBackward dx", be, b -> b.rmsNormBackward(b.fromHost(rows), b.fromHost(w), 1e-6f, b.fromHost(g)).dx(), COMPOSITE);
        agree("rmsNormBackward dWeight", be, b -> b.rmsNormBackward(b.fromHost(rows), b.fromHost(w), 1e-6f, b.fromHost(g)).dWeight(), COMPOSITE);
        assertEquals(null, be.rmsNormBackward(be.fromHost(rows), be.fromHost(w), 1e-6f, be.fromHost(g)).dBias(), "rmsNorm has no bias gradient");

        Tensor logits = random(5, 13);
        Tensor targets = Tensor.ofLongs(new long[] {3, Backend.IGNORE_INDEX, 12, 0, 3}, 5), t32 = Tensor.ofInts(new int[] {1, 2, 3, 4, 5}, 5);
        agree("crossEntropy loss, ignored rows 0", be, b -> b.crossEntropy(b.fromHost(logits), b.fromHost(targets)).loss(), POINTWISE);
        agree("crossEntropy valid", be, b -> b.crossEntropy(b.fromHost(logits), b.fromHost(targets)).valid(), EXACT);
        agree("crossEntropy with I32 targets", be, b -> b.crossEntropy(b.fromHost(logits), b.fromHost(t32)).loss(), POINTWISE);
        Tensor dLoss = random(5, 2);
        agree("crossEntropyBackward with a strided upstream gradient", be,
                b -> b.crossEntropyBackward(b.fromHost(logits), b.fromHost(targets), b.fromHost(dLoss).select(1, 1)), COMPOSITE);
        outOfRange("a target outside the vocabulary", be, b -> b.crossEntropy(b.fromHost(logits), b.fromHost(Tensor.ofLongs(new long[] {0, 1, 13, 2, 3}, 5))).loss());
        refuses("logits of rank 3", be, b -> b.crossEntropy(b.fromHost(random(1, 5, 13)), b.fromHost(targets)), str(1, 5, 13));
        refuses("a target count unlike the rows", be, b -> b.crossEntropy(b.fromHost(logits), b.fromHost(Tensor.ofLongs(new long[4], 4))), "4", "5");
        refuses("an upstream gradient of another length", be, b -> b.crossEntropyBackward(b.fromHost(logits), b.fromHost(targets), b.fromHost(random(4))), str(4));

        Tensor ids = Tensor.ofLongs(new long[] {3, 0, 3, 6, 3}, 5), gOut = random(5, 4);
        agree("embeddingBackward sums repeated ids", be, b -> b.embeddingBackward(b.fromHost(ids), b.fromHost(gOut), 7), POINTWISE);
        refuses("embeddingBackward of a gradient unlike the ids", be, b -> b.embeddingBackward(b.fromHost(ids), b.fromHost(random(4, 4)), 7), str(4, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void dropoutMasksAreTheSameEverywhere(String name) {
        Backend be = open(name);
        double[] expected = new double[3 * 5 * 7];
        for (int i = 0; i < expected.length; i++) expected[i] = org.efuf4j.tensor.DropoutRng.maskValue(42L, i, 0.3f);
        close("dropout mask", expected, values(be, be.dropoutMask(0.3f, 42L, 3, 5, 7)), EXACT);
        refuses("p = 1", be, b -> b.dropoutMask(1f, 1L, 4), "1.0");
        refuses("p < 0", be, b -> b.dropoutMask(-0.1f, 1L, 4), "-0.1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void optimizerStepsUpdateInPlace(String name) {
        Backend be = open(name);
        Tensor p0 = random(7, 5);
        Tensor[] grads = {random(7, 5), random(7, 5), random(7, 5)};
        Function<Backend, Tensor> adam = b -> {
            Tensor p = b.fromHost(p0), m = b.zeros(DType.F32, 7, 5), v = b.zeros(DType.F32, 7, 5);
            for (int s = 0; s < 3; s++) b.adamW(p, b.fromHost(grads[s]), m, v, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, s + 1);
            return p;
        };
        agree("three AdamW steps", be, adam, COMPOSITE);
        for (boolean nesterov : new boolean[] {false, true}) {
            agree("three SGD steps, momentum, nesterov=" + nesterov, be, b -> {
                Tensor p = b.fromHost(p0), buf = b.zeros(DType.F32, 7, 5);
                for (int s = 0; s < 3; s++) b.sgd(p, b.fromHost(grads[s]), buf, 0.1f, 0.9f, 0f, 0.01f, nesterov, s == 0);
                return p;
            }, COMPOSITE);
        }
        agree("plain SGD without a buffer", be, b -> {
            Tensor p = b.fromHost(p0);
            b.sgd(p, b.fromHost(grads[0]), null, 0.1f, 0f, 0f, 0f, false, true);
            return p;
        }, COMPOSITE);
        refuses("AdamW step 0", be, b -> b.adamW(b.fromHost(p0), b.fromHost(grads[0]), b.zeros(DType.F32, 7, 5), b.zeros(DType.F32, 7, 5), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 0), "step");
        refuses("a gradient of another shape", be, b -> b.adamW(b.fromHost(p0), b.fromHost(random(5, 7)), b.zeros(DType.F32, 7, 5), b.zeros(DType.F32, 7, 5), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1), str(5, 7));
        refuses("a moment of another shape", be, b -> b.adamW(b.fromHost(p0), b.fromHost(grads[0]), b.zeros(DType.F32, 35), b.zeros(DType.F32, 7, 5), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1), str(35));
        refuses("a parameter that is a strided view", be, b -> b.sgd(b.fromHost(random(5, 7)).transpose(0, 1), b.fromHost(grads[0]), null, 0.1f, 0f, 0f, 0f, false, true), "contiguous");
        refuses("momentum without a buffer", be, b -> b.sgd(b.fromHost(p0), b.fromHost(grads[0]), null, 0.1f, 0.9f, 0f, 0f, false, true), "momentum");
    }
}

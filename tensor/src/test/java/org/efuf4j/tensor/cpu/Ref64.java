package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.reference.ReferenceBackend;

/**
 * The CPU kernel tests' handle on {@code ref64} ({@link ReferenceBackend}), the one reference twin of every kernel
 * family: each method moves the host inputs onto ref64 as they are (any strides, offsets and dtypes), runs the same
 * backend op there in double precision and reads the result back rounded once to F32, the fast kernels' output
 * type. Two checks need more than one ref64 call: a GEMM on raw {@link GemmOperand}s, and attention's log-sum-exp,
 * which the SPI does not return.
 */
final class Ref64 {
    private static final ReferenceBackend REF = ReferenceBackend.INSTANCE;
    /** Stands in for the max of a row with no visible score; see {@link #attention}. */
    private static final Tensor NO_SCORE = Tensor.scalar(-Float.MAX_VALUE);

    private Ref64() {}

    private static Tensor on(Tensor host) { return host == null ? null : REF.fromHost(host); }

    /** A ref64 result on the host, each element rounded once from double to F32. */
    private static Tensor f32(Tensor ref) {
        double[] d = ReferenceBackend.read(ref);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return Tensor.of(f, ref.shape());
    }

    static Tensor unary(UnaryOp op, Tensor x) { return f32(REF.unary(op, on(x))); }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) { return f32(REF.binary(op, on(a), on(b))); }

    static Tensor affine(Tensor x, float scale, float shift) { return f32(REF.affine(on(x), scale, shift)); }

    static Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) { return f32(REF.reduce(op, on(x), axis, keepDim)); }

    /** Indices (host I64), first maximum on ties. */
    static Tensor argmax(Tensor x, int axis) { return REF.argmax(on(x), axis); }

    static Tensor softmax(Tensor x) { return f32(REF.softmax(on(x))); }

    static Tensor logSoftmax(Tensor x) { return f32(REF.logSoftmax(on(x))); }

    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return f32(REF.layerNorm(on(x), on(weight), on(bias), eps)); }

    static Tensor rmsNorm(Tensor x, Tensor weight, float eps) { return f32(REF.rmsNorm(on(x), on(weight), eps)); }

    /** The rotation by exact angles {@code pos * theta^(-2i/hd)}; the CPU kernel's F32 angles differ (see NormsTest). */
    static Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) { return f32(REF.rope(on(x), positions, theta, inverse)); }

    /** {@code A B} in double ({@code [rows of a, cols of b]}, row-major), from every element as the kernels read it. */
    static double[] matmul(GemmOperand a, GemmOperand b) {
        return ReferenceBackend.read(REF.matmul(on(matrix(a)), on(matrix(b))));
    }

    private static Tensor matrix(GemmOperand o) {
        float[] v = new float[o.rows() * o.cols()];
        for (int i = 0; i < o.rows(); i++) for (int j = 0; j < o.cols(); j++) v[i * o.cols() + j] = o.get(i, j);
        return Tensor.of(v, o.rows(), o.cols());
    }

    /**
     * ref64's attention output and, composed from ref64 ops, the log-sum-exp of each query's visible scaled scores:
     * {@code -inf} for a query that sees no key. The composition also yields the output (softmax weights times
     * values), which must agree with ref64's attention: that shows the log-sum-exp was taken over exactly the keys
     * ref64 attends to.
     */
    static CpuAttention.Forward attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2), dv = v.dim(3), group = hq / hkv;
        // the query heads of one group against their shared key head: [B, Hkv, group, Tq, D] x [B, Hkv, 1, D, Tk]
        Tensor dots = REF.matmul(on(q).reshape(b, hkv, group, tq, d), on(k).reshape(b, hkv, 1, tk, d).transpose(3, 4));
        Tensor scores = REF.binary(BinaryOp.ADD, REF.affine(dots, scale, 0f).reshape(b, hq, tq, tk), visibility(mask, b, tq, tk));
        // A row that sees no key has max -inf, and -inf - -inf is NaN; flooring the max at -FLT_MAX leaves every
        // finite max alone and gives such a row an empty sum of exponentials, whose log is the -inf expected.
        Tensor max = REF.binary(BinaryOp.MAX, REF.reduce(ReduceOp.MAX, scores, -1, true), NO_SCORE);
        Tensor sumExp = REF.reduce(ReduceOp.SUM, REF.unary(UnaryOp.EXP, REF.binary(BinaryOp.SUB, scores, max)), -1, true);
        Tensor logSumExp = REF.binary(BinaryOp.ADD, REF.unary(UnaryOp.LOG, sumExp), max);
        Tensor weights = REF.unary(UnaryOp.EXP, REF.binary(BinaryOp.SUB, scores, REF.binary(BinaryOp.MAX, logSumExp, NO_SCORE)));
        Tensor composed = REF.matmul(weights.reshape(b, hkv, group, tq, tk), on(v).reshape(b, hkv, 1, tk, dv)).reshape(b, hq, tq, dv);
        Tensor output = REF.attention(on(q), on(k), on(v), mask, scale);
        double[] want = ReferenceBackend.read(output), got = ReferenceBackend.read(composed);
        for (int i = 0; i < want.length; i++)
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-12 * (1 + Math.abs(want[i])),
                    "ref64 attention and its composition from ref64 ops differ at " + i + ": " + want[i] + " vs " + got[i]);
        return new CpuAttention.Forward(f32(output), f32(logSumExp.reshape(b, hq, tq)));
    }

    /**
     * The additive mask {@code [B, 1, Tq, Tk]} that {@link AttentionMask} describes: 0 where query {@code i} may see
     * key {@code j} (not after {@code i + queryOffset} when causal, and not padding), -inf elsewhere.
     */
    private static Tensor visibility(AttentionMask mask, int b, int tq, int tk) {
        double[] keep = mask.keyPadding() == null ? null : ReferenceBackend.read(mask.keyPadding());
        float[] bias = new float[b * tq * tk];
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < tq; i++)
                for (int j = 0; j < tk; j++) {
                    boolean seen = !(mask.causal() && j > (long) i + mask.queryOffset()) && (keep == null || keep[bi * tk + j] != 0);
                    bias[(bi * tq + i) * tk + j] = seen ? 0f : Float.NEGATIVE_INFINITY;
                }
        return Tensor.of(bias, b, 1, tq, tk);
    }
}

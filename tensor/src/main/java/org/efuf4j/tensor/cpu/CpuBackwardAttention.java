package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Host backward of scaled-dot-product attention with causal/padding masks and GQA. Probabilities are
 * recomputed one query row at a time (nothing of size Tq x Tk is stored); work is split over
 * (batch, kv head) so every task owns its dk/dv rows and no accumulation races. Dot products and row
 * updates are Vector API micro-kernels; {@link org.efuf4j.tensor.reference.ReferenceBackend#attentionBackward}
 * is the plain twin the tests compare with.
 */
final class CpuBackwardAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private CpuBackwardAttention() {}

    static Backend.AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4)
            throw new IllegalArgumentException("attention expects q, k, v of rank 4 [B, H, T, D], got " + Shapes.str(q.shape()) + ", " + Shapes.str(k.shape()) + ", " + Shapes.str(v.shape()));
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3);
        int hkv = k.dim(1), tk = k.dim(2);
        if (hkv == 0 || hq % hkv != 0) throw new IllegalArgumentException("query heads " + hq + " not a multiple of kv heads " + hkv);
        CpuBackwardArrays.requireShape("attention keys", k, new int[] {b, hkv, tk, d});
        CpuBackwardArrays.requireShape("attention values", v, new int[] {b, hkv, tk, d});
        CpuBackwardArrays.requireShape("attention output", out, q.shape());
        CpuBackwardArrays.requireShape("attention upstream gradient", dOut, q.shape());
        float[] qs = floats(q), ks = floats(k), vs = floats(v), os = floats(out), gs = floats(dOut);
        float[] pad = null;
        if (mask.keyPadding() != null) {
            CpuBackwardArrays.requireShape("attention key padding mask", mask.keyPadding(), new int[] {b, tk});
            pad = floats(mask.keyPadding());
        }
        float[] padding = pad;
        float[] dq = new float[qs.length], dk = new float[ks.length], dv = new float[vs.length];
        int group = hq / hkv;
        Parallel.forRange(b * hkv, 1, (t0, t1) -> {
            double[] p = new double[tk];
            float[] dp = new float[tk], ds = new float[tk];
            int[] live = new int[tk];
            for (int task = t0; task < t1; task++) {
                int bi = task / hkv, kh = task % hkv;
                int kBase = (bi * hkv + kh) * tk * d;
                for (int h = kh * group; h < (kh + 1) * group; h++) {
                    int qBase = (bi * hq + h) * tq * d;
                    for (int i = 0; i < tq; i++) {
                        int qo = qBase + i * d;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < tk; j++) {
                            if (!visible(mask, padding, bi, tk, i, j)) { p[j] = Double.NEGATIVE_INFINITY; continue; }
                            // one pass over row j of k and v: the score q.k_j and dP_j = dO.v_j
                            p[j] = (double) dotPair(qs, ks, gs, vs, qo, kBase + j * d, d, dp, j) * scale;
                            max = Math.max(max, p[j]);
                        }
                        if (max == Double.NEGATIVE_INFINITY) continue; // fully masked row: output was zeros, no gradient
                        double sum = 0;
                        for (int j = 0; j < tk; j++) { p[j] = p[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - max); sum += p[j]; }
                        double rowDot = dot(gs, qo, os, qo, d); // sum_j p_j (dO . v_j) = dO . O
                        int count = 0;
                        for (int j = 0; j < tk; j++) {
                            if (p[j] == 0) continue;
                            double pj = p[j] / sum;
                            ds[j] = (float) (pj * (dp[j] - rowDot) * scale);
                            axpyPair(ds[j], qs, (float) pj, gs, qo, dk, dv, kBase + j * d, d);
                            live[count++] = j;
                        }
                        combineRows(ds, live, count, ks, kBase, dq, qo, d);
                    }
                }
            }
        });
        return new Backend.AttentionGrads(CpuBackwardArrays.tensor(dq, q.shape()), CpuBackwardArrays.tensor(dk, k.shape()), CpuBackwardArrays.tensor(dv, v.shape()));
    }

    /** {@code sum a[ao + c] * b[bo + c]} over {@code c < n}. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length())
            acc = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, bo + c), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) s += a[ao + c] * b[bo + c];
        return s;
    }

    /**
     * Returns {@code sum q[qo + c] * k[ko + c]} and stores {@code sum g[qo + c] * v[ko + c]} in {@code dp[j]}
     * (over {@code c < n}): both dot products of a query row with key/value row j in one pass, each with
     * exactly the arithmetic of {@link #dot}.
     */
    static float dotPair(float[] q, float[] k, float[] g, float[] v, int qo, int ko, int n, float[] dp, int j) {
        FloatVector acc = FloatVector.zero(S), accG = FloatVector.zero(S);
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            acc = FloatVector.fromArray(S, q, qo + c).fma(FloatVector.fromArray(S, k, ko + c), acc);
            accG = FloatVector.fromArray(S, g, qo + c).fma(FloatVector.fromArray(S, v, ko + c), accG);
        }
        float s = acc.reduceLanes(VectorOperators.ADD), sG = accG.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += q[qo + c] * k[ko + c];
            sG += g[qo + c] * v[ko + c];
        }
        dp[j] = sG;
        return s;
    }

    /** {@code y1[yo + c] += a1 * x1[xo + c]} and {@code y2[yo + c] += a2 * x2[xo + c]} over {@code c < n}, in one pass. */
    static void axpyPair(float a1, float[] x1, float a2, float[] x2, int xo, float[] y1, float[] y2, int yo, int n) {
        FloatVector va1 = FloatVector.broadcast(S, a1), va2 = FloatVector.broadcast(S, a2);
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector.fromArray(S, x1, xo + c).fma(va1, FloatVector.fromArray(S, y1, yo + c)).intoArray(y1, yo + c);
            FloatVector.fromArray(S, x2, xo + c).fma(va2, FloatVector.fromArray(S, y2, yo + c)).intoArray(y2, yo + c);
        }
        for (; c < n; c++) {
            y1[yo + c] += a1 * x1[xo + c];
            y2[yo + c] += a2 * x2[xo + c];
        }
    }

    /**
     * {@code y[yo + c] = sum over the live rows j of w[j] * x[xo + j n + c]} (for {@code c < n}), the rows taken
     * in order: one accumulator per vector of the output row, so y is stored once rather than once per row.
     */
    static void combineRows(float[] w, int[] live, int count, float[] x, int xo, float[] y, int yo, int n) {
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0; r < count; r++) {
                int j = live[r];
                acc = FloatVector.fromArray(S, x, xo + j * n + c).fma(FloatVector.broadcast(S, w[j]), acc);
            }
            acc.intoArray(y, yo + c);
        }
        for (; c < n; c++) {
            float acc = 0f;
            for (int r = 0; r < count; r++) acc += w[live[r]] * x[xo + live[r] * n + c];
            y[yo + c] = acc;
        }
    }

    static boolean visible(AttentionMask mask, float[] padding, int batch, int tk, int i, int j) {
        if (mask.causal() && j > i + mask.queryOffset()) return false;
        return padding == null || padding[batch * tk + j] != 0f;
    }
}

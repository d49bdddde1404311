package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
 * (batch, kv head) so every task owns its dk/dv rows and no accumulation races.
 *
 * <p>Each task first transposes its keys and values to {@code [D, Tk]}, so that every per-row quantity (scores,
 * {@code dP = dO V^T}, probabilities, {@code dS}) is computed with vectors running along the keys, and the key and
 * value gradients are accumulated transposed the same way. Vectorising along the head dimension instead costs two
 * lane reductions and a scalar exponential per (query, key) pair, which dominated training at the small head
 * sizes of the embedded world (16-32). {@link org.efuf4j.tensor.reference.ReferenceBackend#attentionBackward} is
 * the plain twin the tests compare with.
 */
final class CpuBackwardAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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
            KeyBlock block = new KeyBlock(tk, d);
            for (int task = t0; task < t1; task++) {
                int bi = task / hkv, kh = task % hkv;
                int kBase = (bi * hkv + kh) * tk * d;
                block.load(ks, vs, kBase, padding, bi);
                for (int h = kh * group; h < (kh + 1) * group; h++) {
                    int qBase = (bi * hq + h) * tq * d;
                    for (int i = 0; i < tq; i++) {
                        int visibleEnd = mask.causal() ? Math.min(tk, Math.max(0, i + mask.queryOffset() + 1)) : tk;
                        if (visibleEnd > 0) block.queryRow(qs, gs, os, ks, kBase, qBase + i * d, visibleEnd, scale, dq);
                    }
                }
                block.store(dk, dv, kBase);
            }
        });
        return new Backend.AttentionGrads(CpuBackwardArrays.tensor(dq, q.shape()), CpuBackwardArrays.tensor(dk, k.shape()), CpuBackwardArrays.tensor(dv, v.shape()));
    }

    /**
     * One (batch, kv head): its keys and values transposed to {@code [D, stride]} ({@code stride} = Tk rounded up to
     * whole vectors, zero-padded), the key-padding row, the transposed gradient accumulators, and per-row scratch.
     */
    private static final class KeyBlock {
        final int tk, d, stride;
        final float[] kt, vt, dkt, dvt, keep, s, dp, ds;
        final int[] live;
        boolean padded;

        KeyBlock(int tk, int d) {
            this.tk = tk;
            this.d = d;
            this.stride = (tk + L - 1) / L * L;
            kt = new float[d * stride];
            vt = new float[d * stride];
            dkt = new float[d * stride];
            dvt = new float[d * stride];
            keep = new float[stride];
            s = new float[stride];
            dp = new float[stride];
            ds = new float[stride];
            live = new int[tk];
        }

        void load(float[] ks, float[] vs, int kBase, float[] padding, int batch) {
            for (int j = 0; j < tk; j++) {
                for (int c = 0; c < d; c++) {
                    kt[c * stride + j] = ks[kBase + j * d + c];
                    vt[c * stride + j] = vs[kBase + j * d + c];
                }
            }
            java.util.Arrays.fill(dkt, 0f);
            java.util.Arrays.fill(dvt, 0f);
            padded = padding != null;
            if (padded) System.arraycopy(padding, batch * tk, keep, 0, tk);
        }

        void store(float[] dk, float[] dv, int kBase) {
            for (int j = 0; j < tk; j++) {
                for (int c = 0; c < d; c++) {
                    dk[kBase + j * d + c] = dkt[c * stride + j];
                    dv[kBase + j * d + c] = dvt[c * stride + j];
                }
            }
        }

        /** {@code s_j = q . k_j} and {@code dp_j = dO . v_j} for {@code j < end}, vectors along j. */
        private void scoreRow(float[] qs, float[] gs, int qo, int end) {
            int j = 0;
            for (; j + 2 * L <= end; j += 2 * L) { // two key vectors per pass: each broadcast of q_c, dO_c feeds four FMAs
                FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S), accG0 = FloatVector.zero(S), accG1 = FloatVector.zero(S);
                for (int c = 0, row = j; c < d; c++, row += stride) {
                    FloatVector qc = FloatVector.broadcast(S, qs[qo + c]), gc = FloatVector.broadcast(S, gs[qo + c]);
                    acc0 = FloatVector.fromArray(S, kt, row).fma(qc, acc0);
                    acc1 = FloatVector.fromArray(S, kt, row + L).fma(qc, acc1);
                    accG0 = FloatVector.fromArray(S, vt, row).fma(gc, accG0);
                    accG1 = FloatVector.fromArray(S, vt, row + L).fma(gc, accG1);
                }
                acc0.intoArray(s, j);
                acc1.intoArray(s, j + L);
                accG0.intoArray(dp, j);
                accG1.intoArray(dp, j + L);
            }
            for (; j < end; j += L) {
                FloatVector acc = FloatVector.zero(S), accG = FloatVector.zero(S);
                for (int c = 0, row = j; c < d; c++, row += stride) {
                    acc = FloatVector.fromArray(S, kt, row).fma(FloatVector.broadcast(S, qs[qo + c]), acc);
                    accG = FloatVector.fromArray(S, vt, row).fma(FloatVector.broadcast(S, gs[qo + c]), accG);
                }
                acc.intoArray(s, j);
                accG.intoArray(dp, j);
            }
        }

        /**
         * Query row at {@code qo} seeing keys {@code [0, visibleEnd)} (minus padded ones): accumulates its share of
         * dK and dV and writes its dQ row. A fully masked row produced zeros and gets no gradient.
         */
        void queryRow(float[] qs, float[] gs, float[] os, float[] ks, int kBase, int qo, int visibleEnd, float scale, float[] dq) {
            int end = (visibleEnd + L - 1) / L * L;
            scoreRow(qs, gs, qo, end);
            // masked keys to -inf (by blend: a NaN in a masked key must not leak), then the row max
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < end; j += L) {
                VectorMask<Float> visible = S.indexInRange(j, visibleEnd);
                if (padded) visible = visible.and(FloatVector.fromArray(S, keep, j).compare(VectorOperators.NE, 0f));
                FloatVector sv = FloatVector.fromArray(S, s, j).mul(scale).blend(Float.NEGATIVE_INFINITY, visible.not());
                sv.intoArray(s, j);
                vmax = vmax.max(sv);
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            if (max == Float.NEGATIVE_INFINITY) return;
            FloatVector vsum = FloatVector.zero(S);
            for (int j = 0; j < end; j += L) {
                FloatVector e = FloatVector.fromArray(S, s, j).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(s, j);
                vsum = vsum.add(e);
            }
            float inv = 1f / vsum.reduceLanes(VectorOperators.ADD);
            float rowDot = dot(gs, qo, os, qo, d); // sum_j p_j (dO . v_j) = dO . O
            // p_j and dS_j = p_j (dp_j - dO.O) scale; exactly zero where p_j is (a NaN dp_j of a masked key stays out)
            for (int j = 0; j < end; j += L) {
                FloatVector p = FloatVector.fromArray(S, s, j).mul(inv);
                FloatVector g = p.mul(FloatVector.fromArray(S, dp, j).sub(rowDot)).mul(scale);
                g.blend(0f, p.compare(VectorOperators.EQ, 0f)).intoArray(ds, j);
                p.intoArray(s, j);
            }
            // dV^T[c] += dO_c p and dK^T[c] += q_c dS, vectors along j
            for (int c = 0; c < d; c++) {
                FloatVector gc = FloatVector.broadcast(S, gs[qo + c]), qc = FloatVector.broadcast(S, qs[qo + c]);
                int row = c * stride;
                for (int j = 0; j < end; j += L) {
                    FloatVector.fromArray(S, s, j).fma(gc, FloatVector.fromArray(S, dvt, row + j)).intoArray(dvt, row + j);
                    FloatVector.fromArray(S, ds, j).fma(qc, FloatVector.fromArray(S, dkt, row + j)).intoArray(dkt, row + j);
                }
            }
            // dQ = sum over live keys of dS_j k_j (live only: a masked key's values may be NaN)
            int count = 0;
            for (int j = 0; j < visibleEnd; j++) if (ds[j] != 0f) live[count++] = j;
            combineRows(ds, live, count, ks, kBase, dq, qo, d);
        }
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

}

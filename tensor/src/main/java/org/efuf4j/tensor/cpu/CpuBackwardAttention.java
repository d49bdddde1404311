package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Host backward of scaled-dot-product attention with causal/padding masks and GQA. Probabilities are
 * recomputed one query row at a time (nothing of size Tq x Tk is stored); work is split over
 * (batch, kv head) so every task owns its dk/dv rows and no accumulation races.
 */
final class CpuBackwardAttention {
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
                            int ko = kBase + j * d;
                            double s = 0;
                            for (int c = 0; c < d; c++) s += (double) qs[qo + c] * ks[ko + c];
                            p[j] = s * scale;
                            max = Math.max(max, p[j]);
                        }
                        if (max == Double.NEGATIVE_INFINITY) continue; // fully masked row: output was zeros, no gradient
                        double sum = 0;
                        for (int j = 0; j < tk; j++) { p[j] = p[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - max); sum += p[j]; }
                        double rowDot = 0; // sum_j p_j (dO . v_j) = dO . O
                        for (int c = 0; c < d; c++) rowDot += (double) gs[qo + c] * os[qo + c];
                        for (int j = 0; j < tk; j++) {
                            if (p[j] == 0) continue;
                            double pj = p[j] / sum;
                            int ko = kBase + j * d;
                            double dp = 0;
                            for (int c = 0; c < d; c++) dp += (double) gs[qo + c] * vs[ko + c];
                            double ds = pj * (dp - rowDot) * scale;
                            for (int c = 0; c < d; c++) {
                                dq[qo + c] += (float) (ds * ks[ko + c]);
                                dk[ko + c] += (float) (ds * qs[qo + c]);
                                dv[ko + c] += (float) (pj * gs[qo + c]);
                            }
                        }
                    }
                }
            }
        });
        return new Backend.AttentionGrads(CpuBackwardArrays.tensor(dq, q.shape()), CpuBackwardArrays.tensor(dk, k.shape()), CpuBackwardArrays.tensor(dv, v.shape()));
    }

    static boolean visible(AttentionMask mask, float[] padding, int batch, int tk, int i, int j) {
        if (mask.causal() && j > i + mask.queryOffset()) return false;
        return padding == null || padding[batch * tk + j] != 0f;
    }
}

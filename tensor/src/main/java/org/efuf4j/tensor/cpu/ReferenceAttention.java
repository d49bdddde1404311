package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/**
 * The obviously-correct twin of {@link CpuAttention}: reads the inputs in row-major order, materialises each
 * head's whole {@code [Tq, Tk]} score matrix in double precision and applies a plain softmax.
 * Slow by design; tests compare the fast kernel against it.
 */
final class ReferenceAttention {
    private ReferenceAttention() {}

    static CpuAttention.Forward forward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        AttentionProblem p = AttentionProblem.of(q, k, v, mask);
        float[] keyBias = p.keyBias(mask);
        float[] qs = q.toFloatArray(), ks = k.toFloatArray(), vs = v.toFloatArray();
        int tq = p.queries(), tk = p.keys(), d = p.headDim(), dv = p.valueDim();
        Tensor out = Tensor.zeros(DType.F32, p.batch(), p.queryHeads(), p.queries(), p.valueDim());
        Tensor lse = Tensor.zeros(DType.F32, p.batch(), p.queryHeads(), p.queries());
        double[][] scores = new double[p.queries()][p.keys()];
        for (int b = 0; b < p.batch(); b++) {
            for (int h = 0; h < p.queryHeads(); h++) {
                int kvh = h / p.group();
                for (int i = 0; i < p.queries(); i++) {
                    int last = p.lastVisibleKey(mask, i);
                    for (int j = 0; j < p.keys(); j++) {
                        boolean visible = j <= last && (keyBias == null || keyBias[b * p.keys() + j] == 0f);
                        if (!visible) { scores[i][j] = Double.NEGATIVE_INFINITY; continue; }
                        double dot = 0;
                        int qi = ((b * p.queryHeads() + h) * tq + i) * d, ki = ((b * p.kvHeads() + kvh) * tk + j) * d;
                        for (int c = 0; c < d; c++) dot += (double) qs[qi + c] * ks[ki + c];
                        scores[i][j] = dot * scale;
                    }
                }
                for (int i = 0; i < p.queries(); i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double s : scores[i]) max = Math.max(max, s);
                    if (max == Double.NEGATIVE_INFINITY) {
                        lse.setFloat(Float.NEGATIVE_INFINITY, b, h, i);
                        continue; // fully masked row: output stays zero
                    }
                    double sum = 0;
                    for (double s : scores[i]) sum += Math.exp(s - max);
                    lse.setFloat((float) (max + Math.log(sum)), b, h, i);
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j < tk; j++) {
                            if (scores[i][j] == Double.NEGATIVE_INFINITY) continue;
                            acc += Math.exp(scores[i][j] - max) / sum * vs[((b * p.kvHeads() + kvh) * tk + j) * dv + c];
                        }
                        out.setFloat((float) acc, b, h, i, c);
                    }
                }
            }
        }
        return new CpuAttention.Forward(out, lse);
    }
}

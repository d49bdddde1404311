package org.efuf4j.autograd;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/** Fused scaled-dot-product attention (causal/padding masks, GQA); backward recomputes the probabilities. */
public final class AttentionOps {
    private AttentionOps() {}

    /** {@code q [B, Hq, Tq, D]}, {@code k, v [B, Hkv, Tk, D]}. */
    public static Variable attention(Variable q, Variable k, Variable v, AttentionMask mask, float scale) {
        Backend be = q.backend();
        Tensor qv = q.value(), kv = k.value(), vv = v.value();
        Tensor out = be.attention(qv, kv, vv, mask, scale);
        return Graph.record(out, new Node(q, k, v) {
            @Override protected Tensor[] backward(Tensor g) {
                Backend.AttentionGrads a = be.attentionBackward(qv, kv, vv, mask, scale, out, g);
                return new Tensor[] {needs(0) ? a.dq() : null, needs(1) ? a.dk() : null, needs(2) ? a.dv() : null};
            }
        });
    }
}

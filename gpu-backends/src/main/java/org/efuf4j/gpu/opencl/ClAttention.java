package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.code;
import static org.efuf4j.gpu.opencl.ClViews.requireSameShape;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend.AttentionGrads;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Rotary position embedding (its backward is the inverse rotation) and scaled-dot-product attention with online
 * softmax, forward and backward in two passes that recompute probabilities ({@code attention.cl}).
 */
final class ClAttention extends ClFamily {
    ClAttention(ClMemory memory) { super(memory); }

    Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) {
        m.own(x);
        m.own(positions);
        if (x.rank() != 4) throw new IllegalArgumentException("rope expects x [B, H, T, hd], got " + Shapes.str(x.shape()));
        int b = x.dim(0), h = x.dim(1), t = x.dim(2), d = x.dim(3);
        if (d % 2 != 0) throw new IllegalArgumentException("rope needs an even head dim, got " + d);
        if (positions.rank() != 2 || (positions.dim(0) != b && positions.dim(0) != 1) || positions.dim(1) != t)
            throw new IllegalArgumentException("rope: positions must be [" + b + ", " + t + "] (or [1, " + t + "]) for x " + Shapes.str(x.shape()) + ", got " + Shapes.str(positions.shape()));
        positions = positions.expand(b, t);
        Tensor c = m.f32c(x);
        Tensor out = m.empty(DType.F32, x.shape());
        rt.kernel("rope").i(b).i(h).i(t).i(d).f(theta).f(inverse ? -1f : 1f).mem(mem(c))
                .mem(mem(positions)).i(code(positions.dtype())).l(positions.offset()).l(positions.stride(0)).l(positions.stride(1))
                .mem(mem(out)).run(new long[] {d / 2, t, (long) b * h}, null);
        return out;
    }

    Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        m.own(q);
        m.own(k);
        m.own(v);
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2);
        if (k.dim(0) != b || v.dim(0) != b || k.dim(3) != d || v.dim(3) != d || v.dim(1) != hkv || v.dim(2) != tk || hq % hkv != 0)
            throw new IllegalArgumentException("attention shapes q " + Shapes.str(q.shape()) + ", k " + Shapes.str(k.shape()) + ", v " + Shapes.str(v.shape()));
        checkHeadDim(d);
        Tensor keep = mask.keyPadding() == null ? null : m.f32c(m.own(mask.keyPadding()));
        if (keep != null && (keep.numel() != (long) b * tk))
            throw new IllegalArgumentException("attention key padding mask " + Shapes.str(mask.keyPadding().shape()) + " for [" + b + ", " + tk + "]");
        Tensor out = m.empty(DType.F32, b, hq, tq, d);
        Tensor qc = m.f32c(q), kc = m.f32c(k), vc = m.f32c(v);
        rt.kernel("attention").i(b).i(hq).i(hkv).i(tq).i(tk).i(d).f(scale).i(mask.causal() ? 1 : 0).i(mask.queryOffset())
                .mem(mem(qc)).mem(mem(kc)).mem(mem(vc)).mem(mem(keep == null ? qc : keep)).i(keep == null ? 0 : 1)
                .mem(mem(out)).run(new long[] {tq, (long) b * hq}, null);
        return out;
    }

    /** Pass 1 per query row (dq, logsumexp, dO.O), pass 2 per key row (dk, dv summed over the group's query heads). */
    AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut) {
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2);
        requireSameShape("attention backward output", out, dOut);
        checkHeadDim(d);
        Tensor qc = m.f32c(m.own(q)), kc = m.f32c(m.own(k)), vc = m.f32c(m.own(v)), oc = m.f32c(m.own(out)), gc = m.f32c(m.own(dOut));
        Tensor keep = mask.keyPadding() == null ? null : m.f32c(m.own(mask.keyPadding()));
        Tensor dq = m.empty(DType.F32, b, hq, tq, d), dk = m.empty(DType.F32, b, hkv, tk, d), dv = m.empty(DType.F32, b, hkv, tk, d);
        Tensor lse = m.empty(DType.F32, Math.max(1, b * hq * tq)), delta = m.empty(DType.F32, Math.max(1, b * hq * tq));
        Tensor keepArg = keep == null ? qc : keep;
        rt.kernel("attention_backward_q").i(b).i(hq).i(hkv).i(tq).i(tk).i(d).f(scale).i(mask.causal() ? 1 : 0).i(mask.queryOffset())
                .mem(mem(qc)).mem(mem(kc)).mem(mem(vc)).mem(mem(keepArg)).i(keep == null ? 0 : 1).mem(mem(oc)).mem(mem(gc))
                .mem(mem(dq)).mem(mem(lse)).mem(mem(delta)).run(new long[] {tq, (long) b * hq}, null);
        rt.kernel("attention_backward_kv").i(b).i(hq).i(hkv).i(tq).i(tk).i(d).f(scale).i(mask.causal() ? 1 : 0).i(mask.queryOffset())
                .mem(mem(qc)).mem(mem(kc)).mem(mem(vc)).mem(mem(keepArg)).i(keep == null ? 0 : 1).mem(mem(gc))
                .mem(mem(lse)).mem(mem(delta)).mem(mem(dk)).mem(mem(dv)).run(new long[] {tk, (long) b * hkv}, null);
        return new AttentionGrads(dq, dk, dv);
    }

    /** Each work-item keeps a head's row in private memory, sized at compile time per device. */
    private void checkHeadDim(int d) {
        if (d > rt.params.maxHeadDim()) throw new IllegalArgumentException("attention head dim " + d + " above this device's limit " + rt.params.maxHeadDim());
    }
}

package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.code;
import static org.efuf4j.gpu.opencl.ClViews.requireSameShape;

import org.efuf4j.tensor.Backend.NormGrads;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** LayerNorm ({@code rms} false) and RMSNorm over the last axis, forward and backward ({@code norms.cl}). */
final class ClNorms extends ClFamily {
    ClNorms(ClMemory memory) { super(memory); }

    Tensor norm(Tensor x, Tensor w, Tensor b, float eps, boolean rms) {
        m.own(x);
        Tensor c = m.f32c(x);
        int n = x.dim(-1);
        Tensor wc = w == null ? null : m.contiguous(m.own(w)), bc = b == null ? null : m.contiguous(m.own(b));
        if (wc != null && wc.numel() != n) throw new IllegalArgumentException("norm weight " + Shapes.str(w.shape()) + " for rows of " + n);
        if (bc != null && bc.numel() != n) throw new IllegalArgumentException("norm bias " + Shapes.str(b.shape()) + " for rows of " + n);
        long rows = x.numel() / Math.max(1, n);
        Tensor out = m.empty(DType.F32, x.shape());
        int wg = rt.params.rowGroup();
        Tensor wd = wc == null ? c : wc, bd = bc == null ? c : bc;
        rt.kernel("norm_rows").i(n).i(rms ? 1 : 0).f(eps).mem(mem(c))
                .mem(mem(wd)).i(code(wd.dtype())).l(wd.offset()).i(wc == null ? 0 : 1)
                .mem(mem(bd)).i(code(bd.dtype())).l(bd.offset()).i(bc == null ? 0 : 1)
                .mem(mem(out)).run(new long[] {rows * wg}, new long[] {wg});
        return out;
    }

    /** Row pass for dx (saving each row's statistics), then a column pass for dWeight/dBias. */
    NormGrads normBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy, boolean rms) {
        requireSameShape("norm backward", x, dy);
        Tensor xc = m.f32c(m.own(x)), gc = m.f32c(m.own(dy));
        int n = x.rank() == 0 ? 1 : x.dim(-1);
        long rows = x.numel() / Math.max(1, n);
        Tensor wc = weight == null ? null : m.contiguous(m.own(weight));
        if (wc != null && wc.numel() != n) throw new IllegalArgumentException("norm weight " + Shapes.str(weight.shape()) + " for rows of " + n);
        Tensor dx = m.empty(DType.F32, x.shape());
        Tensor stats = m.empty(DType.F32, (int) Math.max(1, 2 * rows));
        Tensor wd = wc == null ? xc : wc;
        int wg = rt.params.rowGroup();
        rt.kernel("norm_backward_rows").i(n).i(rms ? 1 : 0).f(eps).mem(mem(xc)).mem(mem(wd)).i(code(wd.dtype())).l(wd.offset()).i(wc == null ? 0 : 1)
                .mem(mem(gc)).mem(mem(dx)).mem(mem(stats)).run(new long[] {rows * wg}, new long[] {wg});
        Tensor dw = null, db = null;
        if (wc != null || hasBias) {
            Tensor dwOut = m.empty(DType.F32, n), dbOut = hasBias ? m.empty(DType.F32, n) : dwOut;
            rt.kernel("norm_backward_cols").i((int) rows).i(n).mem(mem(xc)).mem(mem(gc)).mem(mem(stats)).mem(mem(dwOut)).mem(mem(dbOut)).i(hasBias ? 1 : 0)
                    .run(new long[] {n}, null);
            dw = wc == null ? null : dwOut;
            db = hasBias ? dbOut : null;
        }
        return new NormGrads(dx, dw, db);
    }
}

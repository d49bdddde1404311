package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.reducedShape;
import static org.efuf4j.gpu.opencl.ClViews.requireSameShape;

import java.util.Arrays;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Reductions along an axis, argmax, and softmax / log-softmax over rows with their backward ({@code reduce.cl}). */
final class ClReductions extends ClFamily {
    ClReductions(ClMemory memory) { super(memory); }

    Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) {
        Axis ax = new Axis(m.own(x), axis);
        Tensor out = m.empty(DType.F32, reducedShape(x.shape(), ax.axis, keepDim));
        rt.kernel("reduce_axis").i(ax.outer).i(ax.n).i(ax.inner).i(op.ordinal()).mem(mem(m.f32c(x))).mem(mem(out)).run(new long[] {ax.inner, ax.outer}, null);
        return out;
    }

    Tensor argmax(Tensor x, int axis) {
        Axis ax = new Axis(m.own(x), axis);
        Tensor out = m.empty(DType.I64, reducedShape(x.shape(), ax.axis, false));
        rt.kernel("argmax_axis").i(ax.outer).i(ax.n).i(ax.inner).mem(mem(m.f32c(x))).mem(mem(out)).run(new long[] {ax.inner, ax.outer}, null);
        return out;
    }

    /** Softmax ({@code log} false) or log-softmax over the last axis. */
    Tensor softmax(Tensor x, boolean log) {
        m.own(x);
        Tensor c = m.f32c(x);
        int n = x.dim(-1);
        long rows = x.numel() / Math.max(1, n);
        Tensor out = m.empty(DType.F32, x.shape());
        int wg = rt.params.rowGroup();
        rt.kernel("softmax_rows").i(n).i(log ? 1 : 0).mem(mem(c)).mem(mem(out)).run(new long[] {rows * wg}, new long[] {wg});
        return out;
    }

    /** Backward of {@link #softmax} given its output {@code y}. */
    Tensor softmaxBackward(Tensor y, Tensor dy, boolean log) {
        requireSameShape("softmax backward", y, dy);
        Tensor yc = m.f32c(m.own(y)), gc = m.f32c(m.own(dy));
        int n = y.dim(-1);
        long rows = y.numel() / Math.max(1, n);
        Tensor out = m.empty(DType.F32, y.shape());
        int wg = rt.params.rowGroup();
        rt.kernel("softmax_backward_rows").i(n).i(log ? 1 : 0).mem(mem(yc)).mem(mem(gc)).mem(mem(out)).run(new long[] {rows * wg}, new long[] {wg});
        return out;
    }

    /** The tensor seen as contiguous {@code [outer, n, inner]} around the reduced axis. */
    private record Axis(int axis, int outer, int n, int inner) {
        Axis(Tensor x, int axis) { this(Shapes.axis(axis, x.rank()), x.shape()); }

        private Axis(int a, int[] sh) {
            this(a, (int) Shapes.numel(Arrays.copyOfRange(sh, 0, a)), sh[a], (int) Shapes.numel(Arrays.copyOfRange(sh, a + 1, sh.length)));
        }
    }
}

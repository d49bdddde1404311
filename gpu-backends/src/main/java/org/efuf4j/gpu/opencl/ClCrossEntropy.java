package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.code;

import org.efuf4j.tensor.Backend.CrossEntropy;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Fused softmax cross-entropy per row, forward and backward ({@code cross_entropy.cl}); a target outside the
 * vocabulary raises a device flag reported at the next transfer to the host.
 */
final class ClCrossEntropy extends ClFamily {
    ClCrossEntropy(ClMemory memory) { super(memory); }

    CrossEntropy crossEntropy(Tensor logits, Tensor targets) {
        Tensor lc = checkLogits(logits, targets);
        Tensor tc = m.contiguous(m.own(targets));
        int rows = logits.dim(0), vocab = logits.dim(1);
        Tensor loss = m.empty(DType.F32, rows), valid = m.empty(DType.F32, rows);
        int wg = rt.params.rowGroup();
        rt.kernel("cross_entropy_rows").i(vocab).mem(mem(lc)).mem(mem(tc)).i(code(tc.dtype())).l(tc.offset())
                .mem(mem(loss)).mem(mem(valid)).mem(rt.errors.flag(DeviceErrors.Kind.TARGET)).run(new long[] {(long) rows * wg}, new long[] {wg});
        return new CrossEntropy(loss, valid);
    }

    Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor dLoss) {
        Tensor lc = checkLogits(logits, targets);
        Tensor tc = m.contiguous(m.own(targets));
        m.own(dLoss);
        int rows = logits.dim(0), vocab = logits.dim(1);
        if (dLoss.rank() != 1 || dLoss.dim(0) != rows)
            throw new IllegalArgumentException("crossEntropyBackward upstream gradient " + Shapes.str(dLoss.shape()) + ", expected [" + rows + "]");
        Tensor out = m.empty(DType.F32, rows, vocab);
        int wg = rt.params.rowGroup();
        rt.kernel("cross_entropy_backward_rows").i(vocab).mem(mem(lc)).mem(mem(tc)).i(code(tc.dtype())).l(tc.offset())
                .mem(mem(dLoss)).i(code(dLoss.dtype())).l(dLoss.offset()).l(dLoss.stride(0)).mem(mem(out))
                .run(new long[] {(long) rows * wg}, new long[] {wg});
        return out;
    }

    private Tensor checkLogits(Tensor logits, Tensor targets) {
        m.own(logits);
        m.own(targets);
        if (logits.rank() != 2) throw new IllegalArgumentException("cross-entropy logits must be [N, V], got " + Shapes.str(logits.shape()));
        if (targets.dtype().isFloating()) throw new IllegalArgumentException("cross-entropy targets must be integers, got " + targets.dtype());
        if (targets.numel() != logits.dim(0))
            throw new IllegalArgumentException("cross-entropy targets hold " + targets.numel() + " labels for " + logits.dim(0) + " logit rows");
        return m.f32c(logits);
    }
}

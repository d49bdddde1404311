package org.efuf4j.autograd.optim;

import java.util.List;

import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/** torch.nn.utils.clip_grad_norm_: scale all gradients by min(1, max / (norm + 1e-6)). */
public final class GradClip {
    private GradClip() {}

    /**
     * Clips in place and returns the global L2 norm before clipping. The squared norms are summed on the
     * device; only the final scalar comes to the host (once per step).
     */
    public static double clipGlobalNorm(List<Parameter> params, double maxNorm) {
        Tensor total = null;
        for (Parameter p : params) {
            if (p.grad() == null) continue;
            Backend be = p.grad().backend();
            Tensor sq = be.reduce(ReduceOp.SUM, be.unary(UnaryOp.SQUARE, p.grad()).reshape(-1), 0, true);
            total = total == null ? sq : be.binary(BinaryOp.ADD, total, sq);
        }
        if (total == null) return 0;
        double norm = Math.sqrt(total.item());
        float coef = (float) Math.min(1.0, maxNorm / (norm + 1e-6));
        for (Parameter p : params)
            if (p.grad() != null) p.setGrad(p.grad().backend().affine(p.grad(), coef, 0f));
        return norm;
    }
}

package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;

/**
 * Matrix products. Frozen half-precision weights stay in their storage type: the activation gradient
 * reads them through the matmul kernel's widening, and no weight gradient is formed for them.
 */
public final class MatrixOps {
    private MatrixOps() {}

    /** Batched {@code a @ b} with broadcast leading dims (both rank >= 2). */
    public static Variable matmul(Variable a, Variable b) {
        if (a.rank() < 2 || b.rank() < 2) throw new IllegalArgumentException("matmul needs operands of rank >= 2, got " + a + " and " + b);
        Backend be = a.backend();
        Tensor av = a.value(), bv = b.value();
        return Graph.record(be.matmul(av, bv), new Node(a, b) {
            @Override protected Tensor[] backward(Tensor g) {
                return new Tensor[] {
                        needs(0) ? Arithmetic.sumTo(be.matmul(g, bv.transpose(-1, -2)), av.shape()) : null,
                        needs(1) ? Arithmetic.sumTo(be.matmul(av.transpose(-1, -2), g), bv.shape()) : null};
            }
        });
    }

    /** {@code x W^T + bias}: {@code x [..., in]}, {@code weight [out, in]} (any float dtype), {@code bias [out]} or null. */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        Backend be = x.backend();
        Tensor xv = x.value(), wv = weight.value();
        int in = wv.dim(1), out = wv.dim(0);
        if (xv.dim(-1) != in)
            throw new IllegalArgumentException("linear: input last dim " + xv.dim(-1) + " differs from weight [" + out + ", " + in + "]");
        Tensor y = be.linear(xv, wv, bias == null ? null : bias.value());
        int[] xShape = x.shape();
        return Graph.record(y, new Node(x, weight, bias) {
            @Override protected Tensor[] backward(Tensor g) {
                Tensor g2 = g.reshape(-1, out);
                Tensor dx = needs(0) ? be.matmul(g2, wv).reshape(xShape) : null;
                Tensor dw = needs(1) ? be.matmul(g2.transpose(0, 1), xv.reshape(-1, in)) : null;
                Tensor db = needs(2) ? be.reduce(ReduceOp.SUM, g2, 0, false) : null;
                return new Tensor[] {dx, dw, db};
            }
        });
    }
}

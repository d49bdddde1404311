package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;

/** Broadcasting add/sub/mul/div and scaling, with their backward. */
public final class Arithmetic {
    private Arithmetic() {}

    public static Variable add(Variable a, Variable b) {
        Tensor out = a.backend().binary(BinaryOp.ADD, a.value(), b.value());
        int[] as = a.shape(), bs = b.shape();
        return Graph.record(out, new Node(a, b) {
            @Override protected Tensor[] backward(Tensor g) {
                return new Tensor[] {needs(0) ? sumTo(g, as) : null, needs(1) ? sumTo(g, bs) : null};
            }
        });
    }

    public static Variable sub(Variable a, Variable b) {
        Backend be = a.backend();
        Tensor out = be.binary(BinaryOp.SUB, a.value(), b.value());
        int[] as = a.shape(), bs = b.shape();
        return Graph.record(out, new Node(a, b) {
            @Override protected Tensor[] backward(Tensor g) {
                return new Tensor[] {needs(0) ? sumTo(g, as) : null, needs(1) ? sumTo(be.affine(g, -1f, 0f), bs) : null};
            }
        });
    }

    public static Variable mul(Variable a, Variable b) {
        Backend be = a.backend();
        Tensor av = a.value(), bv = b.value();
        Tensor out = be.binary(BinaryOp.MUL, av, bv);
        return Graph.record(out, new Node(a, b) {
            @Override protected Tensor[] backward(Tensor g) {
                return new Tensor[] {
                        needs(0) ? sumTo(be.binary(BinaryOp.MUL, g, bv), av.shape()) : null,
                        needs(1) ? sumTo(be.binary(BinaryOp.MUL, g, av), bv.shape()) : null};
            }
        });
    }

    public static Variable div(Variable a, Variable b) {
        Backend be = a.backend();
        Tensor av = a.value(), bv = b.value();
        Tensor out = be.binary(BinaryOp.DIV, av, bv);
        return Graph.record(out, new Node(a, b) {
            @Override protected Tensor[] backward(Tensor g) {
                Tensor ga = be.binary(BinaryOp.DIV, g, bv);
                // d(a/b)/db = -a/b^2, so the gradient is -(g/b) * (a/b) = -ga * out.
                Tensor gb = needs(1) ? sumTo(be.affine(be.binary(BinaryOp.MUL, ga, out), -1f, 0f), bv.shape()) : null;
                return new Tensor[] {needs(0) ? sumTo(ga, av.shape()) : null, gb};
            }
        });
    }

    /** {@code x * s + shift} for host scalars. */
    public static Variable affine(Variable x, float s, float shift) {
        Backend be = x.backend();
        return Graph.record(be.affine(x.value(), s, shift), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.affine(g, s, 0f)}; }
        });
    }

    public static Variable scale(Variable x, float s) { return affine(x, s, 0f); }

    public static Variable neg(Variable x) { return affine(x, -1f, 0f); }

    /**
     * Sums a gradient over the dimensions that broadcasting expanded, back to {@code shape}: leading
     * extra dimensions are summed away, size-1 dimensions summed with keepDim.
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        if (java.util.Arrays.equals(g.shape(), shape)) return g;
        Backend be = g.backend();
        while (g.rank() > shape.length) g = be.reduce(ReduceOp.SUM, g, 0, false);
        for (int d = 0; d < shape.length; d++)
            if (shape[d] == 1 && g.dim(d) != 1) g = be.reduce(ReduceOp.SUM, g, d, true);
        return g;
    }
}

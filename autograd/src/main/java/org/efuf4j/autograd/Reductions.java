package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;

/** Sum and mean along an axis or over everything; backward broadcasts the gradient back. */
public final class Reductions {
    private Reductions() {}

    public static Variable sum(Variable x, int axis, boolean keepDim) { return reduce(x, axis, keepDim, false); }

    public static Variable mean(Variable x, int axis, boolean keepDim) { return reduce(x, axis, keepDim, true); }

    private static Variable reduce(Variable x, int axis, boolean keepDim, boolean mean) {
        Backend be = x.backend();
        int[] inShape = x.shape();
        int a = org.efuf4j.tensor.Shapes.axis(axis, inShape.length);
        Tensor out = be.reduce(mean ? ReduceOp.MEAN : ReduceOp.SUM, x.value(), a, keepDim);
        float factor = mean ? 1f / inShape[a] : 1f;
        return Graph.record(out, new Node(x) {
            @Override protected Tensor[] backward(Tensor g) {
                Tensor kept = keepDim ? g : g.unsqueeze(a);
                Tensor spread = be.contiguous(kept.expand(inShape));
                return new Tensor[] {factor == 1f ? spread : be.affine(spread, factor, 0f)};
            }
        });
    }

    /** Sum of all elements, shape {@code [1]}. */
    public static Variable sumAll(Variable x) { return sum(x.reshape(-1), 0, true); }

    /** Mean of all elements, shape {@code [1]}. */
    public static Variable meanAll(Variable x) { return mean(x.reshape(-1), 0, true); }
}

package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.Tensor;

/** Inverted dropout: the mask is drawn on the device from a seed and reused by backward. */
public final class Regularization {
    private Regularization() {}

    public static Variable dropout(Variable x, float p, long seed) {
        if (p == 0f) return x;
        Backend be = x.backend();
        Tensor mask = be.dropoutMask(p, seed, x.shape());
        return Graph.record(be.binary(BinaryOp.MUL, x.value(), mask), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.binary(BinaryOp.MUL, g, mask)}; }
        });
    }
}

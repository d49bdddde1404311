package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/** Softmax and log-softmax over the last axis; backward from the saved output. */
public final class SoftmaxOps {
    private SoftmaxOps() {}

    public static Variable softmax(Variable x) {
        Backend be = x.backend();
        Tensor y = be.softmax(x.value());
        return Graph.record(y, new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.softmaxBackward(y, g)}; }
        });
    }

    public static Variable logSoftmax(Variable x) {
        Backend be = x.backend();
        Tensor y = be.logSoftmax(x.value());
        return Graph.record(y, new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.logSoftmaxBackward(y, g)}; }
        });
    }
}

package org.efuf4j.autograd;

import org.efuf4j.tensor.Tensor;

/**
 * One recorded operation: its inputs and the backward of its forward. Ops create nodes as anonymous
 * subclasses right beside their forward computation, capturing what backward needs; a node is
 * unreachable (and its saved activations free) once {@link Graph#backward} has run through it.
 */
public abstract class Node {
    private final Variable[] inputs;

    protected Node(Variable... inputs) { this.inputs = inputs; }

    Variable[] inputs() { return inputs; }

    /** True when input {@code i} wants a gradient; backward skips the work for the others. */
    protected final boolean needs(int i) { return inputs[i] != null && inputs[i].requiresGrad(); }

    /** Gradients w.r.t. each input (null where not needed), given the gradient of this node's output. */
    protected abstract Tensor[] backward(Tensor gradOutput);
}

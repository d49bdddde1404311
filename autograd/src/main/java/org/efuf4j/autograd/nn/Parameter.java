package org.efuf4j.autograd.nn;

import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.Tensor;

/** A trainable (or frozen) leaf owned by a {@link Module}; its key is the module path plus its field name. */
public final class Parameter extends Variable {
    public Parameter(Tensor value) { super(value, true); }
}

package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/** Rotary position embedding: a rotation, so its backward is the rotation by the negative angle. */
public final class Positions {
    private Positions() {}

    /** {@code x [B, H, T, hd]}, {@code positions [B, T]} (I64/I32). */
    public static Variable rope(Variable x, Tensor positions, float theta) {
        Backend be = x.backend();
        return Graph.record(be.rope(x.value(), positions, theta, false), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.rope(g, positions, theta, true)}; }
        });
    }
}

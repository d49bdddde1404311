package org.efuf4j.autograd.nn;

import org.efuf4j.autograd.Normalization;
import org.efuf4j.autograd.Variable;

/** LayerNorm over the last axis with weight (ones) and bias (zeros). */
public final class LayerNorm extends Module {
    public final Parameter weight, bias;
    private final float eps;

    public LayerNorm(int dim, float eps) {
        this.eps = eps;
        weight = register("weight", Init.constant(1f, dim));
        bias = register("bias", Init.constant(0f, dim));
    }

    public Variable forward(Variable x) { return Normalization.layerNorm(x, weight, bias, eps); }
}

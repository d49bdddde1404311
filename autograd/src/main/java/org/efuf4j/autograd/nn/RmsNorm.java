package org.efuf4j.autograd.nn;

import org.efuf4j.autograd.Normalization;
import org.efuf4j.autograd.Variable;

/** RMSNorm over the last axis with a weight (LLaMA's {@code LlamaRMSNorm}). */
public final class RmsNorm extends Module {
    public final Parameter weight;
    private final float eps;

    public RmsNorm(int dim, float eps) {
        this.eps = eps;
        weight = register("weight", Init.constant(1f, dim));
    }

    public Variable forward(Variable x) { return Normalization.rmsNorm(x, weight, eps); }
}

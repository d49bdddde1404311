package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.MatrixOps;
import org.efuf4j.autograd.Variable;

/** {@code y = x W^T + b} with {@code weight [out, in]} and optional {@code bias [out]} (torch.nn.Linear). */
public final class Linear extends Module {
    public final Parameter weight, bias;

    public Linear(int in, int out, boolean hasBias, Random init) {
        float bound = (float) (1.0 / Math.sqrt(in));
        weight = register("weight", Init.uniform(init, bound, out, in));
        bias = hasBias ? register("bias", Init.uniform(init, bound, out)) : null;
    }

    public Variable forward(Variable x) { return MatrixOps.linear(x, weight, bias); }
}

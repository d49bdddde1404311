package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.Activations;
import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.UnaryOp;

/** {@code down_proj(act(gate_proj(x)) * up_proj(x))} (LLaMA's MLP, SiLU gate). */
public final class GatedMlp extends Module {
    public final Linear gateProj, upProj, downProj;
    private final UnaryOp act;

    public GatedMlp(int dModel, int hidden, UnaryOp act, Random init) {
        this.act = act;
        gateProj = register("gate_proj", new Linear(dModel, hidden, false, init));
        upProj = register("up_proj", new Linear(dModel, hidden, false, init));
        downProj = register("down_proj", new Linear(hidden, dModel, false, init));
    }

    public Variable forward(Variable x) {
        return downProj.forward(Arithmetic.mul(Activations.apply(act, gateProj.forward(x)), upProj.forward(x)));
    }
}

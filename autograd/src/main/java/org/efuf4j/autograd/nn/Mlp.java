package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.Activations;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.UnaryOp;

/** {@code fc2(act(fc1(x)))} (CLIP / ViT / GPT MLP). */
public final class Mlp extends Module {
    public final Linear fc1, fc2;
    private final UnaryOp act;

    public Mlp(int dModel, int hidden, UnaryOp act, boolean bias, Random init) {
        this.act = act;
        fc1 = register("fc1", new Linear(dModel, hidden, bias, init));
        fc2 = register("fc2", new Linear(hidden, dModel, bias, init));
    }

    public Variable forward(Variable x) { return fc2.forward(Activations.apply(act, fc1.forward(x))); }
}

package org.efuf4j.models.llava;

import java.util.Random;

import org.efuf4j.autograd.Activations;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Linear;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.tensor.UnaryOp;

/** HF {@code LlavaMultiModalProjector} ({@code mlp2x_gelu}): {@code linear_2(act(linear_1(x)))}, act = erf GELU by default. */
public final class LlavaMultiModalProjector extends Module {
    public final Linear linear1, linear2;
    private final UnaryOp act;

    public LlavaMultiModalProjector(int visionHidden, int textHidden, String act, Random init) {
        this.act = Activations.byName(act);
        linear1 = register("linear_1", new Linear(visionHidden, textHidden, true, init));
        linear2 = register("linear_2", new Linear(textHidden, textHidden, true, init));
    }

    public Variable forward(Variable features) { return linear2.forward(Activations.apply(act, linear1.forward(features))); }
}

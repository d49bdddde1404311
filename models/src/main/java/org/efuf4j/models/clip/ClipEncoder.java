package org.efuf4j.models.clip;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Activations;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.ClipEncoderLayer;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.ModuleList;
import org.efuf4j.tensor.AttentionMask;

/** HF {@code CLIPEncoder} (also SigLIP's): a stack of pre-LN layers under {@code layers.N}. */
public final class ClipEncoder extends Module {
    public final ModuleList<ClipEncoderLayer> layers;

    public ClipEncoder(int numLayers, int hidden, int heads, int ffn, String hiddenAct, double eps, Random init) {
        layers = register("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++)
            layers.add(new ClipEncoderLayer(hidden, heads, ffn, Activations.byName(hiddenAct), (float) eps, init));
    }

    /** The input followed by the output of each of the first {@code count} layers (HF's {@code hidden_states}). */
    public List<Variable> forward(Variable x, AttentionMask mask, int count) {
        if (count < 0 || count > layers.size())
            throw new IllegalArgumentException("asked for " + count + " encoder layers of " + layers.size());
        List<Variable> states = new ArrayList<>(count + 1);
        states.add(x);
        for (int i = 0; i < count; i++) {
            x = layers.get(i).forward(x, mask);
            states.add(x);
        }
        return states;
    }
}

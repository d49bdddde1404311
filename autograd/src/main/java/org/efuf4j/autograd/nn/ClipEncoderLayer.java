package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.UnaryOp;

/** Pre-LN transformer encoder layer with HF CLIP names: {@code self_attn}, {@code layer_norm1}, {@code mlp}, {@code layer_norm2}. */
public final class ClipEncoderLayer extends Module {
    public final MultiHeadAttention selfAttn;
    public final LayerNorm layerNorm1, layerNorm2;
    public final Mlp mlp;

    public ClipEncoderLayer(int dModel, int heads, int ffn, UnaryOp act, float eps, Random init) {
        selfAttn = register("self_attn", new MultiHeadAttention(dModel, heads, heads, true, "out_proj", 0f, init));
        layerNorm1 = register("layer_norm1", new LayerNorm(dModel, eps));
        mlp = register("mlp", new Mlp(dModel, ffn, act, true, init));
        layerNorm2 = register("layer_norm2", new LayerNorm(dModel, eps));
    }

    public Variable forward(Variable x, AttentionMask mask) {
        Variable h = Arithmetic.add(x, selfAttn.forward(layerNorm1.forward(x), mask, null, null));
        return Arithmetic.add(h, mlp.forward(layerNorm2.forward(h)));
    }
}

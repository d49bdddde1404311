package org.efuf4j.models.siglip;

import java.util.Random;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.AttentionOps;
import org.efuf4j.autograd.MatrixOps;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Init;
import org.efuf4j.autograd.nn.LayerNorm;
import org.efuf4j.autograd.nn.Linear;
import org.efuf4j.autograd.nn.Mlp;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.models.config.SiglipVisionConfig;
import org.efuf4j.autograd.Activations;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.DType;

/**
 * HF {@code SiglipMultiheadAttentionPoolingHead} ({@code head.*}): a learned probe attends over the normalised sequence
 * through a {@code torch.nn.MultiheadAttention} (packed {@code in_proj_weight [3D, D]}), then
 * {@code x + mlp(layernorm(x))}; the pooled output is the probe's row.
 */
public final class SiglipAttentionPoolingHead extends Module {
    public final Parameter probe;
    public final PackedMultiheadAttention attention;
    public final LayerNorm layernorm;
    public final Mlp mlp;

    public SiglipAttentionPoolingHead(SiglipVisionConfig c, Random init) {
        int d = c.hiddenSize();
        probe = register("probe", Init.normal(init, 1f, 1, 1, d));
        attention = register("attention", new PackedMultiheadAttention(d, c.numAttentionHeads(), init));
        layernorm = register("layernorm", new LayerNorm(d, (float) c.layerNormEps()));
        mlp = register("mlp", new Mlp(d, c.intermediateSize(), Activations.byName(c.hiddenAct()), true, init));
    }

    /** {@code x [B, N, D]} to {@code [B, D]}. */
    public Variable forward(Variable x) {
        int b = x.dim(0), d = x.dim(2);
        Variable query = Arithmetic.add(Variable.constant(x.backend().zeros(DType.F32, b, 1, d)), probe);
        Variable h = attention.forward(query, x);
        h = Arithmetic.add(h, mlp.forward(layernorm.forward(h)));
        return h.reshape(b, d);
    }

    /** {@code torch.nn.MultiheadAttention} names: {@code in_proj_weight}, {@code in_proj_bias}, {@code out_proj}. */
    public static final class PackedMultiheadAttention extends Module {
        public final Parameter inProjWeight, inProjBias;
        public final Linear outProj;
        private final int heads;

        PackedMultiheadAttention(int d, int heads, Random init) {
            this.heads = heads;
            inProjWeight = register("in_proj_weight", Init.uniform(init, (float) Math.sqrt(6.0 / (4 * d)), 3 * d, d));
            inProjBias = register("in_proj_bias", Init.constant(0f, 3 * d));
            outProj = register("out_proj", new Linear(d, d, true, init));
        }

        Variable forward(Variable query, Variable keyValue) {
            int d = query.dim(2), hd = d / heads, b = query.dim(0), tq = query.dim(1), tk = keyValue.dim(1);
            Variable q = project(query, 0, d).reshape(b, tq, heads, hd).transpose(1, 2);
            Variable k = project(keyValue, 1, d).reshape(b, tk, heads, hd).transpose(1, 2);
            Variable v = project(keyValue, 2, d).reshape(b, tk, heads, hd).transpose(1, 2);
            Variable o = AttentionOps.attention(q, k, v, AttentionMask.NONE, (float) (1.0 / Math.sqrt(hd)));
            return outProj.forward(o.transpose(1, 2).reshape(b, tq, d));
        }

        private Variable project(Variable x, int part, int d) {
            return MatrixOps.linear(x, inProjWeight.slice(0, part * d, (part + 1) * d), inProjBias.slice(0, part * d, (part + 1) * d));
        }
    }
}

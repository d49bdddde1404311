package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.AttentionOps;
import org.efuf4j.autograd.Positions;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;

/**
 * Multi-head self-attention with {@code q_proj}, {@code k_proj}, {@code v_proj} and an output projection
 * named as the checkpoint names it ({@code out_proj} in CLIP, {@code o_proj} in LLaMA); grouped-query
 * attention when {@code kvHeads < heads}; optional RoPE; optional KV cache for incremental decoding.
 */
public final class MultiHeadAttention extends Module {
    public final Linear qProj, kProj, vProj, outProj;
    private final int heads, kvHeads, headDim;
    private final float ropeTheta;

    /** @param ropeTheta rotary base (10000 in LLaMA), or 0 for no RoPE */
    public MultiHeadAttention(int dModel, int heads, int kvHeads, boolean bias, String outName, float ropeTheta, Random init) {
        this(dModel, heads, kvHeads, bias, bias, outName, ropeTheta, init);
    }

    /** @param qkvBias whether q/k/v_proj have a bias, {@code outBias} the output projection (Qwen2: true, false) */
    public MultiHeadAttention(int dModel, int heads, int kvHeads, boolean qkvBias, boolean outBias, String outName, float ropeTheta, Random init) {
        if (dModel % heads != 0 || heads % kvHeads != 0)
            throw new IllegalArgumentException("d_model " + dModel + " must split into " + heads + " heads, and heads into " + kvHeads + " kv heads");
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = dModel / heads;
        this.ropeTheta = ropeTheta;
        qProj = register("q_proj", new Linear(dModel, heads * headDim, qkvBias, init));
        kProj = register("k_proj", new Linear(dModel, kvHeads * headDim, qkvBias, init));
        vProj = register("v_proj", new Linear(dModel, kvHeads * headDim, qkvBias, init));
        outProj = register(outName, new Linear(heads * headDim, dModel, outBias, init));
    }

    public int kvHeads() { return kvHeads; }
    public int headDim() { return headDim; }

    private Variable split(Variable x, int b, int t, int h) { return x.reshape(b, t, h, headDim).transpose(1, 2); }

    /**
     * @param x         {@code [B, T, D]}
     * @param mask      causal / key padding (with a cache, the padding covers cached + new keys)
     * @param positions {@code [B, T]} positions for RoPE (null without RoPE)
     * @param cache     null in training; in inference, keys/values are appended and attended over
     */
    public Variable forward(Variable x, AttentionMask mask, Tensor positions, KvCache cache) {
        int b = x.dim(0), t = x.dim(1);
        Variable q = split(qProj.forward(x), b, t, heads);
        Variable k = split(kProj.forward(x), b, t, kvHeads);
        Variable v = split(vProj.forward(x), b, t, kvHeads);
        if (ropeTheta > 0) {
            if (positions == null) throw new IllegalArgumentException("attention with RoPE needs positions [B, T]");
            q = Positions.rope(q, positions, ropeTheta);
            k = Positions.rope(k, positions, ropeTheta);
        }
        if (cache != null) {
            if (k.requiresGrad()) throw new IllegalStateException("the KV cache is for inference: run under NoGrad");
            int past = cache.length();
            Tensor[] kv = cache.append(k.value(), v.value());
            k = Variable.constant(kv[0]);
            v = Variable.constant(kv[1]);
            mask = new AttentionMask(mask.causal(), mask.keyPadding(), past);
        }
        Variable o = AttentionOps.attention(q, k, v, mask, (float) (1.0 / Math.sqrt(headDim)));
        return outProj.forward(o.transpose(1, 2).reshape(b, t, heads * headDim));
    }
}

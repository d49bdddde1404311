package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * LLaMA decoder layer with HF names: {@code self_attn} (q/k/v/o_proj, no bias, RoPE, GQA), {@code mlp}
 * (gate/up/down_proj), {@code input_layernorm}, {@code post_attention_layernorm} (RMSNorm).
 */
public final class LlamaDecoderLayer extends Module {
    public final MultiHeadAttention selfAttn;
    public final GatedMlp mlp;
    public final RmsNorm inputLayernorm, postAttentionLayernorm;

    public LlamaDecoderLayer(int dModel, int heads, int kvHeads, int ffn, float ropeTheta, float eps, Random init) {
        this(dModel, heads, kvHeads, ffn, ropeTheta, eps, false, false, init);
    }

    /** With attention biases: Qwen2 has them on q/k/v_proj only, LLaMA's {@code attention_bias} on all four. */
    public LlamaDecoderLayer(int dModel, int heads, int kvHeads, int ffn, float ropeTheta, float eps, boolean qkvBias, boolean outBias, Random init) {
        selfAttn = register("self_attn", new MultiHeadAttention(dModel, heads, kvHeads, qkvBias, outBias, "o_proj", ropeTheta, init));
        mlp = register("mlp", new GatedMlp(dModel, ffn, UnaryOp.SILU, init));
        inputLayernorm = register("input_layernorm", new RmsNorm(dModel, eps));
        postAttentionLayernorm = register("post_attention_layernorm", new RmsNorm(dModel, eps));
    }

    public Variable forward(Variable x, AttentionMask mask, Tensor positions, KvCache cache) {
        Variable h = Arithmetic.add(x, selfAttn.forward(inputLayernorm.forward(x), mask, positions, cache));
        return Arithmetic.add(h, mlp.forward(postAttentionLayernorm.forward(h)));
    }
}

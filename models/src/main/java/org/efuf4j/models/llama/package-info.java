/**
 * LLaMA-family decoders ({@code LlamaForCausalLM}, {@code Qwen2ForCausalLM}): GQA, HF rotate-half RoPE with
 * {@code rope_theta}, RMSNorm, tied or separate {@code lm_head}, Qwen2's q/k/v biases; hidden states as HF returns them
 * (the last one after {@code model.norm}).
 */
package org.efuf4j.models.llama;

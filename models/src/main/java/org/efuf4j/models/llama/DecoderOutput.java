package org.efuf4j.models.llama;

import java.util.List;

import org.efuf4j.autograd.Variable;

/**
 * A causal LM pass, as HF's {@code CausalLMOutputWithPast}.
 *
 * @param logits       {@code [B, T, V]}, or null when only hidden states were asked for
 * @param hiddenStates the input embeddings, each layer's output, and — as HF does — {@code model.norm} applied to
 *                     the last one (so the last entry is the normalised state the LM head reads)
 */
public record DecoderOutput(Variable logits, List<Variable> hiddenStates) {
    public DecoderOutput { hiddenStates = List.copyOf(hiddenStates); }

    public Variable lastHiddenState() { return hiddenStates.get(hiddenStates.size() - 1); }
}

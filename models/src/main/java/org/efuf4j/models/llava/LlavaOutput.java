package org.efuf4j.models.llava;

import java.util.List;

import org.efuf4j.autograd.Variable;

/** HF {@code LlavaCausalLMOutputWithPast}: logits, the language model's hidden states, the projected image features (or null). */
public record LlavaOutput(Variable logits, List<Variable> hiddenStates, Variable imageHiddenStates) {
    public LlavaOutput { hiddenStates = List.copyOf(hiddenStates); }
}

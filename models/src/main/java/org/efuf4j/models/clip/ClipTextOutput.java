package org.efuf4j.models.clip;

import java.util.List;

import org.efuf4j.autograd.Variable;

/**
 * The text tower's {@code BaseModelOutputWithPooling}.
 *
 * @param hiddenStates    embeddings, then each layer's output (before {@code final_layer_norm})
 * @param lastHiddenState {@code final_layer_norm} of the last layer's output
 * @param pooledOutput    {@code [B, D]}: the last hidden state at each row's end-of-text position
 */
public record ClipTextOutput(List<Variable> hiddenStates, Variable lastHiddenState, Variable pooledOutput) {
    public ClipTextOutput { hiddenStates = List.copyOf(hiddenStates); }
}

package org.efuf4j.models.vision;

import java.util.List;

import org.efuf4j.autograd.Variable;

/**
 * What a vision transformer returns, as Hugging Face's {@code BaseModelOutputWithPooling}.
 *
 * @param hiddenStates    {@code hidden_states}: the embeddings (after {@code pre_layrnorm} in CLIP), then each layer's
 *                        output; when the caller asked for fewer layers, only those that were run
 * @param lastHiddenState the last layer's output (SigLIP: after {@code post_layernorm}); null when not all layers ran
 * @param pooledOutput    CLIP: {@code post_layernorm} of the class token; null for SigLIP and when not all layers ran
 */
public record VisionOutput(List<Variable> hiddenStates, Variable lastHiddenState, Variable pooledOutput) {
    public VisionOutput { hiddenStates = List.copyOf(hiddenStates); }
}

package org.efuf4j.efuf.train;

import java.util.List;

import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;

/** Which parts of LLaVA are updated; gradients still flow through the frozen parts' activations. */
public enum TrainableSet {
    /** The paper: only {@code multi_modal_projector}. */
    PROJECTOR,
    PROJECTOR_AND_LM,
    ALL;

    public List<Module> parts(LlavaForConditionalGeneration llava) {
        return switch (this) {
            case PROJECTOR -> List.of(llava.multiModalProjector);
            case PROJECTOR_AND_LM -> List.of(llava.multiModalProjector, llava.languageModel);
            case ALL -> List.of(llava);
        };
    }
}

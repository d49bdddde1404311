package org.efuf4j.models.pretrained;

import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.config.ModelConfig;
import org.efuf4j.models.config.SiglipVisionConfig;

/**
 * How a checkpoint key maps onto a module key: identity, except for tensors Hugging Face itself ignores
 * (legacy buffers, tied heads, the SigLIP pooling head LLaVA never runs) and the newer LLaVA layout.
 */
final class CheckpointKeys {
    private CheckpointKeys() {}

    /** The module key for {@code key}, or null when the tensor is deliberately skipped. */
    static String moduleKey(String key, ModelConfig config) {
        if (key.endsWith(".position_ids") || key.endsWith("rotary_emb.inv_freq")) return null;
        if (config instanceof LlavaConfig l) {
            key = legacyLlavaKey(key);
            if (l.textConfig().tieWordEmbeddings() && key.equals("language_model.lm_head.weight")) return null;
            if (l.visionConfig() instanceof SiglipVisionConfig && key.startsWith("vision_tower.vision_model.head.")) return null;
        } else if (config instanceof LlamaConfig c) {
            if (c.tieWordEmbeddings() && key.equals("lm_head.weight")) return null;
        }
        return key;
    }

    /** transformers >= 4.52 writes {@code model.language_model.*}, {@code model.vision_tower.*}, {@code lm_head.weight}. */
    static String legacyLlavaKey(String key) {
        if (key.startsWith("model.language_model.")) return "language_model.model." + key.substring("model.language_model.".length());
        if (key.startsWith("model.vision_tower.")) return "vision_tower." + key.substring("model.vision_tower.".length());
        if (key.startsWith("model.multi_modal_projector.")) return "multi_modal_projector." + key.substring("model.multi_modal_projector.".length());
        if (key.equals("lm_head.weight")) return "language_model.lm_head.weight";
        return key;
    }
}

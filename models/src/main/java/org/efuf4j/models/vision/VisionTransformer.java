package org.efuf4j.models.vision;

import org.efuf4j.models.config.VisionTowerConfig;
import org.efuf4j.tensor.Tensor;

/** An image encoder (CLIP's or SigLIP's {@code vision_model}). */
public interface VisionTransformer {
    VisionTowerConfig config();

    /**
     * Encodes {@code pixels [B, C, H, W]} (F32, already normalised).
     *
     * @param layers how many encoder layers to run: all of them for the full output, fewer when only an
     *               intermediate hidden state is wanted (LLaVA's {@code vision_feature_layer} -2 skips the last)
     */
    VisionOutput forward(Tensor pixels, int layers);

    default VisionOutput forward(Tensor pixels) { return forward(pixels, config().numHiddenLayers()); }
}

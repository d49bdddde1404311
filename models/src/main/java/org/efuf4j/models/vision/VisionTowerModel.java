package org.efuf4j.models.vision;

import java.util.Random;

import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.clip.ClipVisionTransformer;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.config.SiglipVisionConfig;
import org.efuf4j.models.config.VisionTowerConfig;
import org.efuf4j.models.siglip.SiglipVisionTransformer;
import org.efuf4j.tensor.Tensor;

/**
 * {@code CLIPVisionModel} / {@code SiglipVisionModel}: the encoder under the one child {@code vision_model}, so
 * keys read {@code vision_model.encoder.layers.0...} alone and {@code vision_tower.vision_model...} inside LLaVA.
 */
public final class VisionTowerModel extends Module {
    public final Module visionModel;
    private final VisionTransformer transformer;

    /** A standalone {@code CLIPVisionModel} / {@code SiglipVisionModel} (SigLIP with its pooling head). */
    public VisionTowerModel(VisionTowerConfig config, Random init) { this(config, true, init); }

    /** @param poolingHead whether SigLIP gets its attention-pooling head (LLaVA's tower does without) */
    public VisionTowerModel(VisionTowerConfig config, boolean poolingHead, Random init) {
        transformer = switch (config) {
            case ClipVisionConfig c -> new ClipVisionTransformer(c, init);
            case SiglipVisionConfig s -> new SiglipVisionTransformer(s, poolingHead, init);
        };
        visionModel = register("vision_model", (Module) transformer);
    }

    public VisionTowerConfig config() { return transformer.config(); }

    public VisionTransformer transformer() { return transformer; }

    public VisionOutput forward(Tensor pixels) { return transformer.forward(pixels); }

    public VisionOutput forward(Tensor pixels, int layers) { return transformer.forward(pixels, layers); }
}

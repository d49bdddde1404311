package org.efuf4j.models.clip;

import java.util.Random;

import org.efuf4j.autograd.Activations;
import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Normalization;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Linear;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.vision.VisionOutput;
import org.efuf4j.tensor.Tensor;

/** HF {@code CLIPModel}: both towers, the two bias-free projections and {@code logit_scale}. */
public final class ClipModel extends Module {
    public final ClipTextTransformer textModel;
    public final ClipVisionTransformer visionModel;
    public final Linear visualProjection, textProjection;
    public final Parameter logitScale;
    private final ClipConfig config;

    public ClipModel(ClipConfig config, Random init) {
        this.config = config;
        textModel = register("text_model", new ClipTextTransformer(config.textConfig(), init));
        visionModel = register("vision_model", new ClipVisionTransformer(config.visionConfig(), init));
        visualProjection = register("visual_projection", new Linear(config.visionConfig().hiddenSize(), config.projectionDim(), false, init));
        textProjection = register("text_projection", new Linear(config.textConfig().hiddenSize(), config.projectionDim(), false, init));
        logitScale = register("logit_scale", Tensor.of(new float[] {(float) config.logitScaleInitValue()}));
    }

    public ClipConfig config() { return config; }

    /** Unit-length projected text embeddings {@code [B, E]} and the tower's output. */
    public Variable textEmbeds(ClipTextOutput text) { return l2Normalize(textProjection.forward(text.pooledOutput())); }

    public Variable imageEmbeds(VisionOutput vision) { return l2Normalize(visualProjection.forward(vision.pooledOutput())); }

    public ClipOutput forward(Tensor ids, Tensor attentionMask, Tensor pixels) {
        ClipTextOutput text = textModel.forward(ids, attentionMask);
        VisionOutput vision = visionModel.forward(pixels);
        Variable t = textEmbeds(text), i = imageEmbeds(vision);
        Variable perText = Arithmetic.mul(t.matmul(i.transpose(0, 1)), Activations.exp(logitScale));
        return new ClipOutput(perText.transpose(0, 1), perText, t, i, text, vision);
    }

    /** {@code x / ||x||} per row, as RMSNorm without eps scaled by {@code 1/sqrt(D)} (one fused, differentiable op). */
    static Variable l2Normalize(Variable x) {
        return Arithmetic.scale(Normalization.rmsNorm(x, null, 0f), (float) (1.0 / Math.sqrt(x.dim(-1))));
    }
}

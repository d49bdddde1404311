package org.efuf4j.models.clip;

import org.efuf4j.autograd.Variable;
import org.efuf4j.models.vision.VisionOutput;

/**
 * HF {@code CLIPOutput}.
 *
 * @param logitsPerText  {@code [texts, images]}: {@code exp(logit_scale) * text_embeds image_embeds^T}
 * @param logitsPerImage its transpose
 * @param textEmbeds     projected, L2-normalised text embeddings
 * @param imageEmbeds    projected, L2-normalised image embeddings
 */
public record ClipOutput(Variable logitsPerImage, Variable logitsPerText, Variable textEmbeds, Variable imageEmbeds,
                         ClipTextOutput textModelOutput, VisionOutput visionModelOutput) {}

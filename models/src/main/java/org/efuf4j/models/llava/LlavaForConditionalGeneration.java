package org.efuf4j.models.llava;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Shaping;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.config.FeatureSelectStrategy;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.llama.DecoderOutput;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.vision.VisionOutput;
import org.efuf4j.models.vision.VisionTowerModel;
import org.efuf4j.tensor.Tensor;

/**
 * HF {@code LlavaForConditionalGeneration} in the legacy key layout ({@code vision_tower.*},
 * {@code multi_modal_projector.*}, {@code language_model.*}); the loader also maps the newer
 * {@code model.*}/{@code lm_head} layout onto it. Image features = the tower's {@code hidden_states[vision_feature_layer]}
 * ({@code default}: without the class token), projected; they overwrite the embeddings of the image placeholders
 * in raster order over the whole batch.
 */
public final class LlavaForConditionalGeneration extends Module {
    public final VisionTowerModel visionTower;
    public final LlavaMultiModalProjector multiModalProjector;
    public final LlamaForCausalLM languageModel;
    private final LlavaConfig config;

    public LlavaForConditionalGeneration(LlavaConfig config, Random init) {
        this.config = config;
        visionTower = register("vision_tower", new VisionTowerModel(config.visionConfig(), false, init));
        multiModalProjector = register("multi_modal_projector", new LlavaMultiModalProjector(config.visionConfig().hiddenSize(),
                config.textConfig().hiddenSize(), config.projectorHiddenAct(), init));
        languageModel = register("language_model", new LlamaForCausalLM(config.textConfig(), init));
    }

    public LlavaConfig config() { return config; }

    /** {@code [images, rows, D_text]}: projected features, {@code image_hidden_states} in HF's outputs. */
    public Variable imageFeatures(Tensor pixels) {
        int layer = config.visionFeatureLayerIndex();
        // Layers after the chosen hidden state do not influence it: skip them (LLaVA-1.5 skips the 24th).
        VisionOutput out = visionTower.forward(pixels, layer);
        Variable selected = out.hiddenStates().get(layer);
        if (config.visionFeatureSelectStrategy() == FeatureSelectStrategy.DEFAULT) selected = selected.slice(1, 1, selected.dim(1));
        return multiModalProjector.forward(selected);
    }

    /**
     * Token embeddings of {@code ids [B, T]} with the image placeholders overwritten by {@code imageFeatures}
     * ({@code [N, rows, D]}), placeholder k (counted row by row over the batch) taking feature row k.
     */
    public Variable mergeImageFeatures(Tensor ids, Variable imageFeatures) {
        Variable text = languageModel.embed(ids);
        if (imageFeatures == null) return text;
        Tensor hostIds = ids.toHost();
        int batch = ids.dim(0), length = ids.dim(1), d = text.dim(2);
        Variable features = imageFeatures.reshape(-1, d);
        int placeholders = 0;
        for (int b = 0; b < batch; b++) for (int t = 0; t < length; t++) if (hostIds.getLong(b, t) == config.imageTokenIndex()) placeholders++;
        if (placeholders != features.dim(0))
            throw new IllegalArgumentException("input_ids hold " + placeholders + " image tokens (id " + config.imageTokenIndex() + "), but the "
                    + imageFeatures.dim(0) + " image(s) give " + features.dim(0) + " feature rows (" + imageFeatures.dim(1) + " each)");
        Variable flat = text.reshape(batch * length, d);
        List<Variable> pieces = new ArrayList<>();
        int used = 0, runStart = 0;
        // Alternate runs of text rows and placeholder rows, so a 576-token image is one slice, not 576.
        int n = batch * length;
        while (runStart < n) {
            boolean image = hostIds.getLong(runStart / length, runStart % length) == config.imageTokenIndex();
            int end = runStart;
            while (end < n && (hostIds.getLong(end / length, end % length) == config.imageTokenIndex()) == image) end++;
            if (image) {
                pieces.add(features.slice(0, used, used + end - runStart));
                used += end - runStart;
            } else pieces.add(flat.slice(0, runStart, end));
            runStart = end;
        }
        return (pieces.size() == 1 ? pieces.get(0) : Shaping.concat(0, pieces.toArray(Variable[]::new))).reshape(batch, length, d);
    }

    /** One full pass: {@code pixels} may be null for text only. */
    public LlavaOutput forward(Tensor ids, Tensor attentionMask, Tensor pixels) {
        Variable features = pixels == null ? null : imageFeatures(pixels);
        DecoderOutput out = languageModel.forward(mergeImageFeatures(ids, features), attentionMask, null, null, true);
        return new LlavaOutput(out.logits(), out.hiddenStates(), features);
    }
}

package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.clip.ClipOutput;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf clip-score}: cosine similarity x 100 of an image and each text under a Hugging Face CLIPModel. */
@Command(name = "clip-score", mixinStandardHelpOptions = true,
        description = "CLIP score (cosine x 100) of an image against one or more texts, one line per text.")
final class ClipScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "CLIPModel directory (config.json, weights, tokenizer files)")
    Path model;

    @Option(names = "--image", required = true, description = "image file (PNG, JPEG, ...)")
    Path image;

    @Option(names = "--text", required = true, description = "text to score; repeat for several")
    List<String> texts = new ArrayList<>();

    @Mixin DeviceOption device;

    @Override public Integer call() {
        ModelFiles.existingDirectory(model, "--model");
        ModelFiles.existingFile(image, "--image");
        ClipModel clip = PretrainedModels.load(model, null, device.device(), ClipModel.class);
        Tensor pixels = ModelFiles.pixels(image, ModelFiles.imagePreprocessor(model, clip.config().visionConfig()));
        float[] scores = scores(clip, ModelFiles.tokenizer(model), pixels, texts);
        for (int t = 0; t < texts.size(); t++) System.out.printf("clip_score=%.4f text=%s%n", scores[t], texts.get(t));
        return 0;
    }

    /** 100 x cosine of each text's embedding with the image's. */
    static float[] scores(ClipModel clip, Tokenizer tokenizer, Tensor pixels, List<String> texts) {
        int max = clip.config().textConfig().maxPositionEmbeddings();
        List<int[]> encoded = new ArrayList<>();
        int longest = 0;
        for (String text : texts) {
            int[] ids = tokenizer.encode(text);
            if (ids.length > max) throw new IllegalArgumentException("text \"" + text + "\" is " + ids.length + " tokens; the CLIP text tower takes " + max);
            encoded.add(ids);
            longest = Math.max(longest, ids.length);
        }
        // Pad to the longest text; padding keys are masked, pooling reads each text's own end-of-text position.
        long[] ids = new long[texts.size() * longest], mask = new long[ids.length];
        java.util.Arrays.fill(ids, clip.config().textConfig().padTokenId());
        for (int t = 0; t < encoded.size(); t++)
            for (int i = 0; i < encoded.get(t).length; i++) {
                ids[t * longest + i] = encoded.get(t)[i];
                mask[t * longest + i] = 1;
            }
        try (NoGrad scope = NoGrad.enter()) {
            ClipOutput o = clip.forward(Tensor.ofLongs(ids, texts.size(), longest), Tensor.ofLongs(mask, texts.size(), longest), pixels);
            float[] text = o.textEmbeds().value().toFloatArray(), img = o.imageEmbeds().value().toFloatArray();
            int e = img.length;
            float[] scores = new float[texts.size()];
            for (int t = 0; t < scores.length; t++) {
                double dot = 0;
                for (int k = 0; k < e; k++) dot += text[t * e + k] * img[k];
                scores[t] = (float) (100 * dot);
            }
            return scores;
        }
    }
}

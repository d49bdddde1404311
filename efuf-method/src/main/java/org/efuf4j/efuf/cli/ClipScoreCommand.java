package org.efuf4j.efuf.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import picocli.CommandLine.Command;
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

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or opencl[:N] (default: ${DEFAULT-VALUE})")
    String device;

    @Override public Integer call() {
        ModelFiles.existingDirectory(model, "--model");
        ModelFiles.existingFile(image, "--image");
        ClipModel clip = PretrainedModels.load(model, null, Device.parse(device), ClipModel.class);
        Tensor pixels = ModelFiles.pixels(image, ModelFiles.imagePreprocessor(model, clip.config().visionConfig()));
        float[] scores = scores(clip, ModelFiles.tokenizer(model), pixels, texts);
        for (int t = 0; t < texts.size(); t++) System.out.printf("clip_score=%.4f text=%s%n", scores[t], texts.get(t));
        return 0;
    }

    static float[] scores(ClipModel clip, Tokenizer tokenizer, Tensor pixels, List<String> texts) {
        return org.efuf4j.efuf.pipeline.WholeImageClipScorer.scores(clip, tokenizer, pixels, texts);
    }
}

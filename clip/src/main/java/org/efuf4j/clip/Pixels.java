package org.efuf4j.clip;

import java.util.List;

import org.efuf4j.models.image.ImageBatch;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;

/** {@code pixel_values [B, 3, S, S]} of a list of images, preprocessed in parallel (resampling dominates). */
public final class Pixels {
    private Pixels() {}

    public static Tensor batch(ImagePreprocessor preprocessor, List<RgbImage> images) {
        Tensor[] each = new Tensor[images.size()];
        Parallel.forRange(each.length, 1, (s, e) -> {
            for (int i = s; i < e; i++) each[i] = preprocessor.preprocess(images.get(i));
        });
        return ImageBatch.stack(List.of(each));
    }
}

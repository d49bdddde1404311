package org.efuf4j.models.image;

import org.efuf4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a decoded image into a vision tower's {@code pixel_values}: a float32 {@code [3, S, S]} tensor. */
public interface ImagePreprocessor {
    /** The side S of the square the tower reads. */
    int imageSize();

    /** The image as the tower sees it, before rescaling: resized, padded and cropped, still uint8. */
    RgbImage toModelPixels(RgbImage image);

    ChannelNormalization normalization();

    default Tensor preprocess(RgbImage image) {
        return normalization().toTensor(toModelPixels(image));
    }

    default Tensor preprocess(Path file) {
        return preprocess(ImageDecoder.read(file));
    }

    /** {@code [B, 3, S, S]}. */
    default Tensor preprocessBatch(List<RgbImage> images) {
        List<Tensor> each = new ArrayList<>(images.size());
        for (RgbImage image : images) each.add(preprocess(image));
        return ImageBatch.stack(each);
    }
}

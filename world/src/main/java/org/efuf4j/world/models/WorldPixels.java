package org.efuf4j.world.models;

import java.util.ArrayList;
import java.util.List;

import org.efuf4j.clip.Pixels;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.world.WorldImage;

/**
 * World images as {@code pixel_values}: the CLIP processor at the world's own size (resize and crop are then the
 * identity), so training, the saved {@code preprocessor_config.json} and an image file read back agree.
 */
final class WorldPixels {
    private WorldPixels() {}

    static ImagePreprocessor processor(int imageSize) { return ClipImageProcessor.clip(imageSize); }

    static RgbImage rgb(WorldImage image) {
        int[] packed = image.rgb();
        byte[] bytes = new byte[packed.length * 3];
        for (int i = 0; i < packed.length; i++) {
            bytes[3 * i] = (byte) (packed[i] >> 16);
            bytes[3 * i + 1] = (byte) (packed[i] >> 8);
            bytes[3 * i + 2] = (byte) packed[i];
        }
        return RgbImage.of(image.size(), image.size(), bytes);
    }

    /** {@code [B, 3, S, S]}. */
    static Tensor batch(List<WorldImage> images, ImagePreprocessor processor) {
        List<RgbImage> rgb = new ArrayList<>(images.size());
        for (WorldImage image : images) rgb.add(rgb(image));
        return Pixels.batch(processor, rgb);
    }
}

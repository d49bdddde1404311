package org.efuf4j.efuf.world.models;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.efuf.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.world.WorldImage;
import org.efuf4j.models.image.ChannelNormalization;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.ImagePreprocessors;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.Tensor;

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
        return processor.preprocessBatch(rgb);
    }

    /** Writes the {@code CLIPImageProcessor} config that {@link ImagePreprocessors#load} and transformers read. */
    static void writePreprocessorConfig(Path dir, int imageSize) {
        ChannelNormalization n = ChannelNormalization.OPENAI_CLIP;
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("image_processor_type", "CLIPImageProcessor");
        c.put("do_resize", true);
        c.putObject("size").put("shortest_edge", imageSize);
        c.put("resample", 3);
        c.put("do_center_crop", true);
        c.putObject("crop_size").put("height", imageSize).put("width", imageSize);
        c.put("do_rescale", true);
        c.put("rescale_factor", 1.0 / 255);
        c.put("do_normalize", true);
        var mean = c.putArray("image_mean");
        for (double v : n.mean()) mean.add(v);
        var std = c.putArray("image_std");
        for (double v : n.std()) std.add(v);
        c.put("do_convert_rgb", true);
        AtomicFiles.writeString(dir.resolve(ImagePreprocessors.FILE_NAME), c.toPrettyString() + "\n");
    }
}

package org.efuf4j.models.image;

import org.efuf4j.models.config.ConfigException;
import org.efuf4j.models.config.ConfigReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Builds the preprocessor a Hugging Face checkpoint declares in {@code preprocessor_config.json}:
 * {@code CLIPImageProcessor} (also the older {@code CLIPFeatureExtractor}; used by CLIP and llava-hf) or
 * {@code SiglipImageProcessor} (llava-interleave). Settings this engine does not implement (another
 * resampling filter, skipped steps, a non-square crop, another rescale factor) are rejected by name
 * rather than silently ignored.
 */
public final class ImagePreprocessors {
    public static final String FILE_NAME = "preprocessor_config.json";
    /** PIL's {@code Image.BICUBIC}, the {@code resample} value both processors default to. */
    private static final int PIL_BICUBIC = 3;

    private ImagePreprocessors() {}

    public static ImagePreprocessor load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(json, file.toString());
    }

    public static ImagePreprocessor parse(String json, String source) {
        ConfigReader r = ConfigReader.parse(json, source);
        String typeField = r.has("image_processor_type") ? "image_processor_type" : "feature_extractor_type";
        String type = r.getNullableString(typeField);
        if (type == null) throw r.error("image_processor_type", "is missing (neither it nor feature_extractor_type is set)");
        return switch (type) {
            case "CLIPImageProcessor", "CLIPFeatureExtractor" -> clip(r);
            case "SiglipImageProcessor" -> siglip(r);
            default -> throw r.error(typeField, "names an unsupported image processor \"" + type
                    + "\"; supported: CLIPImageProcessor, CLIPFeatureExtractor, SiglipImageProcessor");
        };
    }

    private static ClipImageProcessor clip(ConfigReader r) {
        requireCommonSteps(r);
        require(r, "do_center_crop");
        int shortestEdge = r.isObject("size") ? r.child("size").getPositiveInt("shortest_edge", 224) : r.getPositiveInt("size", 224);
        int crop = square(r, "crop_size", 224);
        if (crop > shortestEdge) {
            throw r.error("crop_size", "(" + crop + ") larger than size.shortest_edge (" + shortestEdge + ") needs padding, which is not supported");
        }
        return new ClipImageProcessor(shortestEdge, crop, normalization(r, ChannelNormalization.OPENAI_CLIP), false);
    }

    private static SiglipImageProcessor siglip(ConfigReader r) {
        requireCommonSteps(r);
        return new SiglipImageProcessor(square(r, "size", 224), normalization(r, ChannelNormalization.HALF));
    }

    private static void requireCommonSteps(ConfigReader r) {
        require(r, "do_resize");
        require(r, "do_rescale");
        require(r, "do_normalize");
        int resample = r.getInt("resample", PIL_BICUBIC);
        if (resample != PIL_BICUBIC) throw r.error("resample", "must be 3 (PIL bicubic), the only filter implemented, got " + resample);
        double factor = r.getDouble("rescale_factor", 1.0 / 255);
        if (Math.abs(factor - 1.0 / 255) > 1e-12) throw r.error("rescale_factor", "must be 1/255, got " + factor);
    }

    private static void require(ConfigReader r, String step) {
        if (!r.getBoolean(step, true)) throw r.error(step, "is false; skipping this step is not supported");
    }

    /** {@code 224} or {@code {"height": 224, "width": 224}}; only squares are supported. */
    private static int square(ConfigReader r, String field, int defaultSide) {
        if (!r.isObject(field)) return r.getPositiveInt(field, defaultSide);
        ConfigReader size = r.child(field);
        int h = size.getPositiveInt("height", defaultSide), w = size.getPositiveInt("width", defaultSide);
        if (h != w) throw r.error(field, "must be square, got height " + h + ", width " + w);
        return h;
    }

    private static ChannelNormalization normalization(ConfigReader r, ChannelNormalization defaults) {
        double[] std = r.getDoubles("image_std", 3, defaults.std());
        for (double s : std) if (!(s > 0)) throw r.error("image_std", "must hold positive numbers, got " + java.util.Arrays.toString(std));
        return new ChannelNormalization(r.getDoubles("image_mean", 3, defaults.mean()), std);
    }
}

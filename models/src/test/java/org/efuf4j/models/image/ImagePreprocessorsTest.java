package org.efuf4j.models.image;

import org.efuf4j.models.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ImagePreprocessorsTest {
    private static final String CLIP_MEAN_STD = "\"image_mean\": [0.48145466, 0.4578275, 0.40821073], "
            + "\"image_std\": [0.26862954, 0.26130258, 0.27577711]";

    @TempDir Path tmp;

    @Test
    void openaiClipFeatureExtractorConfig() throws IOException {
        Files.writeString(tmp.resolve("preprocessor_config.json"), "{\"crop_size\": 224, \"do_center_crop\": true, "
                + "\"do_normalize\": true, \"do_resize\": true, \"feature_extractor_type\": \"CLIPFeatureExtractor\", "
                + CLIP_MEAN_STD + ", \"resample\": 3, \"size\": 224}");
        assertEquals(ClipImageProcessor.clip(224), ImagePreprocessors.load(tmp));
    }

    @Test
    void llavaHfClipImageProcessorConfig() {
        ImagePreprocessor p = ImagePreprocessors.parse("{\"crop_size\": {\"height\": 336, \"width\": 336}, \"do_center_crop\": true, "
                + "\"do_convert_rgb\": true, \"do_normalize\": true, \"do_rescale\": true, \"do_resize\": true, " + CLIP_MEAN_STD
                + ", \"image_processor_type\": \"CLIPImageProcessor\", \"processor_class\": \"LlavaProcessor\", \"resample\": 3, "
                + "\"rescale_factor\": 0.00392156862745098, \"size\": {\"shortest_edge\": 336}}", "llava.json");
        assertEquals(ClipImageProcessor.clip(336), p);
        assertEquals(336, p.imageSize());
    }

    @Test
    void siglipImageProcessorConfigAndDefaults() {
        ImagePreprocessor p = ImagePreprocessors.parse("{\"do_normalize\": true, \"do_rescale\": true, \"do_resize\": true, "
                + "\"image_mean\": [0.5, 0.5, 0.5], \"image_processor_type\": \"SiglipImageProcessor\", \"image_std\": [0.5, 0.5, 0.5], "
                + "\"processor_class\": \"LlavaProcessor\", \"resample\": 3, \"rescale_factor\": 0.00392156862745098, "
                + "\"size\": {\"height\": 384, \"width\": 384}}", "siglip.json");
        assertEquals(SiglipImageProcessor.siglip(384), p);
        assertEquals(SiglipImageProcessor.siglip(224), ImagePreprocessors.parse("{\"image_processor_type\": \"SiglipImageProcessor\"}", "s"));
        assertEquals(ClipImageProcessor.clip(224), ImagePreprocessors.parse("{\"image_processor_type\": \"CLIPImageProcessor\"}", "c"));
    }

    @Test
    void unsupportedSettingsAreNamed() {
        assertError("{\"image_processor_type\": \"CLIPImageProcessor\", \"resample\": 2}", "'resample'", "got 2");
        assertError("{\"image_processor_type\": \"CLIPImageProcessor\", \"do_center_crop\": false}", "'do_center_crop'");
        assertError("{\"image_processor_type\": \"CLIPImageProcessor\", \"crop_size\": {\"height\": 224, \"width\": 200}}",
                "'crop_size'", "height 224, width 200");
        assertError("{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": 200, \"crop_size\": 224}", "'crop_size'", "(224)");
        assertError("{\"image_processor_type\": \"CLIPImageProcessor\", \"image_std\": [0.5, 0, 0.5]}", "'image_std'");
        assertError("{\"image_processor_type\": \"CLIPImageProcessor\", \"image_mean\": [0.5, 0.5]}", "'image_mean'", "3 numbers");
        assertError("{\"image_processor_type\": \"SiglipImageProcessor\", \"rescale_factor\": 1.0}", "'rescale_factor'");
        assertError("{\"image_processor_type\": \"LlavaNextImageProcessor\"}", "'image_processor_type'", "LlavaNextImageProcessor");
        assertError("{\"size\": 224}", "'image_processor_type'", "missing");
        ConfigException e = assertThrows(ConfigException.class, () -> ImagePreprocessors.load(tmp));
        assertTrue(e.getMessage().contains(tmp.resolve("preprocessor_config.json").toString()), e.getMessage());
    }

    private static void assertError(String json, String... parts) {
        ConfigException e = assertThrows(ConfigException.class, () -> ImagePreprocessors.parse(json, "pp.json"));
        assertTrue(e.getMessage().startsWith("pp.json: "), e.getMessage());
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }
}

package org.efuf4j.clip;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Random;

import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.config.ClipTextConfig;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.image.RgbImage;

/** A CLIPModel small enough to train in a unit test: 32-px images in 8-px patches, 32-wide towers. */
final class TinyClip {
    static final int IMAGE_SIZE = 32;

    private TinyClip() {}

    static ClipConfig config(ClipVocabulary vocab) {
        ClipTextConfig text = new ClipTextConfig(vocab.size(), 32, 64, 16, 2, 2, 16, "quick_gelu", 1e-5, 0, 0.02, 1.0,
                vocab.endOfText(), vocab.startOfText(), vocab.endOfText());
        ClipVisionConfig vision = new ClipVisionConfig(32, 64, 16, 2, 2, 3, IMAGE_SIZE, 8, "quick_gelu", 1e-5, 0, 0.02, 1.0);
        return new ClipConfig(text, vision, 16, 2.6592, 1.0);
    }

    static ClipVocabulary vocabulary(Collection<String> texts) { return ClipVocabulary.ofTexts(texts); }

    static RgbImage noise(int width, int height, Random random) {
        byte[] rgb = new byte[width * height * 3];
        random.nextBytes(rgb);
        return RgbImage.of(width, height, rgb);
    }

    static Path sub(Path dir, String name) { return dir.resolve(name); }
}

package org.efuf4j.efuf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.config.SiglipVisionConfig;
import org.efuf4j.models.config.VisionTowerConfig;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.ImagePreprocessors;
import org.efuf4j.models.image.SiglipImageProcessor;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.tensor.Tensor;

/** The non-weight parts of a model directory the commands need: tokenizer, image preprocessing, input files. */
final class ModelFiles {
    private ModelFiles() {}

    static Path existingFile(Path file, String option) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(option + " " + file + ": no such file");
        return file;
    }

    static Path existingDirectory(Path dir, String option) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(option + " " + dir + ": not a directory");
        return dir;
    }

    static Tokenizer tokenizer(Path dir) {
        try {
            return Tokenizers.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * The directory's {@code preprocessor_config.json}, or the tower's standard processing (CLIP: shortest side then
     * centre crop; SigLIP: square resize, mean = std = 0.5) when the directory has none.
     */
    static ImagePreprocessor imagePreprocessor(Path dir, VisionTowerConfig tower) {
        ImagePreprocessor p = Files.isRegularFile(dir.resolve(ImagePreprocessors.FILE_NAME)) ? ImagePreprocessors.load(dir)
                : switch (tower) {
                    case ClipVisionConfig c -> ClipImageProcessor.clip(c.imageSize());
                    case SiglipVisionConfig s -> SiglipImageProcessor.siglip(s.imageSize());
                };
        if (p.imageSize() != tower.imageSize())
            throw new IllegalArgumentException(dir.resolve(ImagePreprocessors.FILE_NAME) + ": crops to " + p.imageSize()
                    + " pixels, but the vision tower reads " + tower.imageSize());
        return p;
    }

    /** {@code [1, 3, S, S]} pixel values of one image file. */
    static Tensor pixels(Path image, ImagePreprocessor p) {
        Tensor t = p.preprocess(existingFile(image, "--image"));
        return t.reshape(1, t.dim(0), t.dim(1), t.dim(2));
    }
}

package org.efuf4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.efuf4j.models.config.VisionTowerConfig;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.tokenizer.Tokenizer;
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

    static Tokenizer tokenizer(Path dir) { return org.efuf4j.efuf.pipeline.ModelDirectory.tokenizer(dir); }

    static ImagePreprocessor imagePreprocessor(Path dir, VisionTowerConfig tower) {
        return org.efuf4j.efuf.pipeline.ModelDirectory.imagePreprocessor(dir, tower);
    }

    /** {@code [1, 3, S, S]} pixel values of one image file. */
    static Tensor pixels(Path image, ImagePreprocessor p) {
        Tensor t = p.preprocess(existingFile(image, "--image"));
        return t.reshape(1, t.dim(0), t.dim(1), t.dim(2));
    }
}

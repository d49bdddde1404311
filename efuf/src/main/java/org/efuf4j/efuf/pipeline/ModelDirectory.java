package org.efuf4j.efuf.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.config.SiglipVisionConfig;
import org.efuf4j.models.config.VisionTowerConfig;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.ImagePreprocessors;
import org.efuf4j.models.image.SiglipImageProcessor;
import org.efuf4j.models.pretrained.HfTokenizerFiles;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;

/** The non-weight parts of a Hugging Face model directory: tokenizer, image preprocessing, side files. */
public final class ModelDirectory {
    private ModelDirectory() {}

    public static Path requireDirectory(Path dir, String what) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(what + " " + dir + ": not a directory");
        return dir;
    }

    public static Tokenizer tokenizer(Path dir) {
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
    public static ImagePreprocessor imagePreprocessor(Path dir, VisionTowerConfig tower) {
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

    /**
     * Copies the files a saved checkpoint needs besides config and weights (tokenizer, preprocessor, chat template),
     * so the new directory loads like the original.
     */
    public static void copySideFiles(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.equals("config.json") || name.endsWith(".safetensors") || name.endsWith(".bin")
                        || name.endsWith(".index.json") || name.startsWith(".")) continue;
                Files.copy(f, to.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy tokenizer files from " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /**
     * The instruction to ask a model: {@code explicit} when given, else the prompt its directory records (the one it was
     * trained to answer, {@code tokenizer_config.json}), else {@code fallback}.
     */
    public static String prompt(Path dir, String explicit, String fallback) {
        if (explicit != null) return explicit;
        return HfTokenizerFiles.readPrompt(dir).map(HfTokenizerFiles.ChatPrompt::defaultPrompt).orElse(fallback);
    }

    /** The conversation format: {@code explicit}, else the directory's own, else LLaVA-1.5's. */
    public static String template(Path dir, String explicit) {
        if (explicit != null) return explicit;
        return HfTokenizerFiles.readPrompt(dir).map(HfTokenizerFiles.ChatPrompt::template).orElse(Captioner.LLAVA_TEMPLATE);
    }

    static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp");
}

package org.efuf4j.efuf.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.efuf4j.models.image.ImageDecoder;
import org.efuf4j.models.image.RgbImage;

/** The images of a folder, by file name. */
public final class ImageFolder {
    private final Path dir;
    private final List<Path> files;

    public ImageFolder(Path dir) {
        this.dir = ModelDirectory.requireDirectory(dir, "image folder");
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(ImageFolder::looksLikeImage).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty())
            throw new IllegalArgumentException("image folder " + dir + " holds no images (" + String.join(", ", ModelDirectory.IMAGE_EXTENSIONS) + ")");
    }

    static boolean looksLikeImage(Path f) {
        return isImageName(f.getFileName().toString());
    }

    /** Whether a file name has one of the image extensions a folder's images are taken by. */
    public static boolean isImageName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        for (String ext : ModelDirectory.IMAGE_EXTENSIONS) if (n.endsWith(ext)) return true;
        return false;
    }

    public Path dir() { return dir; }

    /** File names, sorted: the names records refer to images by. */
    public List<String> names() { return files.stream().map(f -> f.getFileName().toString()).toList(); }

    /** The decoded image; an error naming the file when it cannot be read. */
    public RgbImage require(String name) {
        return ImageDecoder.read(dir.resolve(name));
    }

    /** An image id for annotation files: the file name without extension; COCO names end in the numeric id. */
    public static String imageId(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}

package org.efuf4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an output path before any work, so a run does not end after hours with the file system's own exception: a
 * folder option must not name a file, a file option must not name a folder, and the nearest existing folder above
 * must be writable (missing folders are created).
 */
final class OutputFolder {
    private OutputFolder() {}

    /** {@code out} will be (or is) a folder. */
    static Path check(Path out, String option) {
        if (Files.exists(out) && !Files.isDirectory(out))
            throw new IllegalArgumentException(option + " " + out + " is a file; give a folder for the results (it is created when missing)");
        writableAbove(out, option);
        return out;
    }

    /** {@code out} will be a file. */
    static Path checkFile(Path out, String option) {
        if (Files.isDirectory(out))
            throw new IllegalArgumentException(option + " " + out + " is a folder; give the name of the file to write, e.g. " + out.resolve("outputs.safetensors"));
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent))
            throw new IllegalArgumentException(option + " " + out + ": " + parent + " is a file, not a folder");
        writableAbove(out, option);
        return out;
    }

    private static void writableAbove(Path out, String option) {
        Path p = out.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) return;
        if (!Files.isDirectory(p))
            throw new IllegalArgumentException(option + " " + out + ": " + p + " is a file, so no folder can be made under it");
        if (!Files.isWritable(p)) throw new IllegalArgumentException(option + " " + out + ": cannot write in " + p + " (permission denied)");
    }
}

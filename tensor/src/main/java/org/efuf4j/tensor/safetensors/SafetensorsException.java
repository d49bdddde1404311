package org.efuf4j.tensor.safetensors;

import java.nio.file.Path;

/**
 * A safetensors file, shard index or write request that cannot be honoured. The message always
 * names the file and, where one is involved, the tensor, followed by what was expected and what
 * was found.
 */
public final class SafetensorsException extends RuntimeException {
    private final transient Path file;
    private final String tensor;

    public SafetensorsException(Path file, String tensor, String detail) {
        this(file, tensor, detail, null);
    }

    public SafetensorsException(Path file, String tensor, String detail, Throwable cause) {
        super(file + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + detail, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** The file at fault. */
    public Path file() { return file; }

    /** The tensor at fault, or null when the problem concerns the file as a whole. */
    public String tensor() { return tensor; }
}

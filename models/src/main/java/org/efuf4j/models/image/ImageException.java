package org.efuf4j.models.image;

/** An image file that cannot be read or decoded, or an image unfit for the requested processing. */
public final class ImageException extends RuntimeException {
    public ImageException(String message) { super(message); }
    public ImageException(String message, Throwable cause) { super(message, cause); }
}

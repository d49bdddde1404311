package org.efuf4j.models.image;

import java.util.Arrays;

/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved {@code R G B}: the layout of PIL's
 * {@code Image.convert("RGB")} and of {@code np.asarray(image)} ({@code [H, W, 3]} uint8).
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    private RgbImage(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** Wraps a copy of {@code rgb}, which must hold {@code width * height * 3} bytes. */
    public static RgbImage of(int width, int height, byte[] rgb) {
        checkSize(width, height);
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB data for " + width + "x" + height + " must hold " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
        }
        return new RgbImage(width, height, rgb.clone());
    }

    /** An image of one colour, like {@code Image.new("RGB", (width, height), (r, g, b))}. */
    public static RgbImage filled(int width, int height, int r, int g, int b) {
        checkSize(width, height);
        byte[] data = new byte[width * height * 3];
        for (int i = 0; i < data.length; i += 3) {
            data[i] = (byte) r;
            data[i + 1] = (byte) g;
            data[i + 2] = (byte) b;
        }
        return new RgbImage(width, height, data);
    }

    /** Takes ownership of {@code rgb}; for producers in this package that never touch it again. */
    static RgbImage wrap(int width, int height, byte[] rgb) {
        return new RgbImage(width, height, rgb);
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height * 3 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("unsupported image size " + width + "x" + height);
        }
    }

    public int width() { return width; }

    public int height() { return height; }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
    public int sample(int x, int y, int c) { return rgb[(y * width + x) * 3 + c] & 0xFF; }

    /** A copy of the interleaved bytes. */
    public byte[] toRgbBytes() { return rgb.clone(); }

    /** Direct access for the resampler and the normalisers in this package; never modified. */
    byte[] data() { return rgb; }

    /** The rectangle at (left, top), like {@code image[top:top+h, left:left+w]}; it must lie inside the image. */
    public RgbImage crop(int left, int top, int cropWidth, int cropHeight) {
        if (left < 0 || top < 0 || cropWidth <= 0 || cropHeight <= 0 || left + cropWidth > width || top + cropHeight > height) {
            throw new IllegalArgumentException("crop " + cropWidth + "x" + cropHeight + " at (" + left + ", " + top
                    + ") does not fit in a " + width + "x" + height + " image");
        }
        byte[] out = new byte[cropWidth * cropHeight * 3];
        for (int y = 0; y < cropHeight; y++) {
            System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * cropWidth * 3, cropWidth * 3);
        }
        return new RgbImage(cropWidth, cropHeight, out);
    }

    /** A copy of {@code background} with this image pasted at (left, top), clipped like PIL's {@code paste}. */
    public RgbImage pastedOnto(RgbImage background, int left, int top) {
        byte[] out = background.rgb.clone();
        int x0 = Math.max(0, left), x1 = Math.min(background.width, left + width);
        int y0 = Math.max(0, top), y1 = Math.min(background.height, top + height);
        for (int y = y0; y < y1; y++) {
            if (x1 > x0) {
                System.arraycopy(rgb, ((y - top) * width + (x0 - left)) * 3, out, (y * background.width + x0) * 3, (x1 - x0) * 3);
            }
        }
        return new RgbImage(background.width, background.height, out);
    }

    @Override public boolean equals(Object o) {
        return o instanceof RgbImage other && width == other.width && height == other.height && Arrays.equals(rgb, other.rgb);
    }

    @Override public int hashCode() { return 31 * (31 * width + height) + Arrays.hashCode(rgb); }

    @Override public String toString() { return "RgbImage[" + width + "x" + height + "]"; }
}

package org.efuf4j.models.image;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Decodes PNG and JPEG (anything {@code javax.imageio} reads) to RGB the way PIL's
 * {@code Image.open(f).convert("RGB")} does: alpha is dropped (not composited), grey is replicated,
 * palettes are looked up, low bit depths are scaled to 0..255, 16-bit colour keeps its high byte, and
 * 16-bit grey is clamped to 255 (PIL's {@code I -> RGB}). Raw samples are read from the raster,
 * never through {@code getRGB}, which would apply a gamma curve to grey images.
 *
 * <p>PNG decodes identically to PIL. JPEG goes through a different decoder (the JDK's libjpeg 6b port,
 * Pillow uses libjpeg-turbo); on baseline files they agree, but other JPEG variants may differ by a level
 * or two.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    public static RgbImage read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageException(file + ": no such image file", e);
        } catch (IOException e) {
            throw new ImageException(file + ": cannot read image: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes an encoded image; {@code name} identifies it in error messages. */
    public static RgbImage decode(byte[] encoded, String name) {
        BufferedImage image;
        try (InputStream bytes = new ByteArrayInputStream(encoded);
             ImageInputStream in = ImageIO.createImageInputStream(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageException(name + ": not a readable image (" + encoded.length
                        + " bytes; no decoder recognises the format; PNG and JPEG are supported)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageException ie) throw ie;
            throw new ImageException(name + ": corrupt or unsupported image: " + e, e);
        }
        return toRgb(image, name);
    }

    /** The raster of {@code image} as PIL's {@code convert("RGB")} would produce it. */
    public static RgbImage toRgb(BufferedImage image, String name) {
        int w = image.getWidth(), h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        byte[] out = new byte[w * h * 3];
        if (cm instanceof IndexColorModel palette) {
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int index = row[x * bands], o = (y * w + x) * 3;
                    out[o] = (byte) palette.getRed(index);
                    out[o + 1] = (byte) palette.getGreen(index);
                    out[o + 2] = (byte) palette.getBlue(index);
                }
            }
            return RgbImage.wrap(w, h, out);
        }
        int colours = cm.getNumColorComponents();
        int colourSpace = cm.getColorSpace().getType();
        boolean grey = colours == 1 && colourSpace == ColorSpace.TYPE_GRAY;
        boolean rgb = colours == 3 && colourSpace == ColorSpace.TYPE_RGB;
        if (!grey && !rgb) {
            throw new ImageException(name + ": unsupported colour model: " + colours + " colour components in colour space type "
                    + colourSpace + " (grey, RGB and palette images are supported; CMYK is not)");
        }
        int bits = cm.getComponentSize(0);
        boolean hasAlpha = cm.hasAlpha();
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands, o = (y * w + x) * 3;
                if (grey) {
                    byte v = (byte) toByte(row[p], bits, bits == 16 && !hasAlpha);
                    out[o] = v;
                    out[o + 1] = v;
                    out[o + 2] = v;
                } else {
                    out[o] = (byte) toByte(row[p], bits, false);
                    out[o + 1] = (byte) toByte(row[p + 1], bits, false);
                    out[o + 2] = (byte) toByte(row[p + 2], bits, false);
                }
            }
        }
        return RgbImage.wrap(w, h, out);
    }

    /**
     * One sample to 0..255 as PIL opens it: 1/2/4-bit scaled up, 8-bit as is, 16-bit by its high byte,
     * except lone 16-bit grey, which PIL opens as 32-bit integers ("I") and clamps when converting.
     */
    private static int toByte(int sample, int bits, boolean clampInsteadOfShift) {
        if (bits == 8) return sample;
        if (bits < 8) return sample * 255 / ((1 << bits) - 1);
        if (clampInsteadOfShift) return Math.min(sample, 255);
        return sample >>> (bits - 8);
    }
}

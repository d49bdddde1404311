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
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

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
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                // libjpeg only warns about a cut-off file and fills the missing rows with grey; PIL refuses it.
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
            for (String w : warnings) {
                String lower = w.toLowerCase(java.util.Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncated")) throw truncated(name, w);
            }
        } catch (EOFException e) {
            throw truncated(name, "the data ends early");
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageException ie) throw ie;
            if (causedByEndOfFile(e)) throw truncated(name, "the data ends early");
            throw new ImageException(name + ": corrupt or unsupported image: " + describe(e), e);
        }
        return toRgb(image, name);
    }

    /** PIL's words ("image file is truncated"), so a user searching for either finds the same advice. */
    private static ImageException truncated(String name, String detail) {
        return new ImageException(name + ": image file is truncated (" + detail.strip()
                + "); it was cut off while being copied or written: replace it with a complete copy");
    }

    private static boolean causedByEndOfFile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) return true;
            String m = t.getMessage();
            if (m != null && (m.contains("Premature end") || m.contains("Unexpected end of") || m.contains("EOF"))) return true;
        }
        return false;
    }

    /** The decoder's own words without the JDK's class names (IIOException, ...). */
    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null || m.isBlank() || sb.indexOf(m) >= 0) continue;
            sb.append(sb.isEmpty() ? "" : ": ").append(m.strip());
        }
        return sb.isEmpty() ? "the decoder gave up without saying why" : sb.toString();
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

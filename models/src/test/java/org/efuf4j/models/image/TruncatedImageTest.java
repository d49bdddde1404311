package org.efuf4j.models.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import javax.imageio.ImageIO;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PIL refuses a cut-off file ("image file is truncated"); libjpeg alone would fill the missing rows with grey. */
class TruncatedImageTest {
    static byte[] encode(String format, int w, int h, long seed) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, random.nextInt(1 << 24));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png"})
    void aCutOffFileIsRefusedAsPilDoes(String format) throws IOException {
        byte[] whole = encode(format, 48, 40, 1);
        RgbImage full = ImageDecoder.decode(whole, "whole." + format);
        assertEquals(48, full.width());
        // A JPEG without its end marker is cut off too; a PNG cut inside IEND's checksum has all its pixels, which
        // PIL accepts as well (it stops reading at the IEND chunk's name).
        int[] cuts = format.equals("jpg") ? new int[] {whole.length / 2, whole.length * 9 / 10, whole.length - 2}
                : new int[] {whole.length / 2, whole.length * 9 / 10};
        for (int keep : cuts) {
            byte[] cut = Arrays.copyOf(whole, keep);
            ImageException e = assertThrows(ImageException.class, () -> ImageDecoder.decode(cut, "cut." + format),
                    "kept " + keep + " of " + whole.length + " bytes");
            assertTrue(e.getMessage().startsWith("cut." + format + ": image file is truncated"), e.getMessage());
            assertFalse(e.getMessage().contains("IIOException") || e.getMessage().contains("javax."), e.getMessage());
        }
    }
}

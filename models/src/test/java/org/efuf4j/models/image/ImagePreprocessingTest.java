package org.efuf4j.models.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Parity with PIL (Pillow 9.4) and the Hugging Face processors on the images and outputs written by
 * scripts/fixtures/gen_image_fixture.py. PNG decoding, resizing and cropping must match byte for byte,
 * normalised values bit for bit; only JPEG decoding (a different decoder than libjpeg) gets a tolerance.
 */
class ImagePreprocessingTest {
    private static Path dir;
    private static JsonNode manifest;

    @TempDir Path tmp;

    @BeforeAll
    static void loadManifest() throws IOException, URISyntaxException {
        dir = Path.of(ImagePreprocessingTest.class.getResource("/image/expected.json").toURI()).getParent();
        manifest = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    }

    private static RgbImage source(String name) { return ImageDecoder.read(dir.resolve(name)); }

    private static byte[] expected(JsonNode entry, String field) throws IOException {
        return Files.readAllBytes(dir.resolve(entry.get(field).asText()));
    }

    /** Exact comparison that reports the first differing sample and how many differ. */
    private static void assertPixels(byte[] expected, int width, int height, RgbImage actual, String what) {
        assertEquals(width + "x" + height, actual.width() + "x" + actual.height(), what + ": size");
        byte[] got = actual.toRgbBytes();
        int diffs = 0, first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != got[i]) {
                diffs++;
                if (first < 0) first = i;
            }
        }
        if (diffs > 0) {
            int p = first / 3;
            fail(what + ": " + diffs + " of " + expected.length + " samples differ from PIL; first at x=" + p % width + " y=" + p / width
                    + " channel " + first % 3 + ": PIL " + (expected[first] & 0xFF) + ", ours " + (got[first] & 0xFF));
        }
    }

    @Test
    void pngDecodingMatchesPilConvertRgb() throws Exception {
        int checked = 0;
        for (JsonNode e : manifest.get("decode")) {
            String file = e.get("file").asText();
            if (!file.endsWith(".png")) continue;
            RgbImage image = source(file);
            String what = file + " (PIL mode " + e.get("mode").asText() + ")";
            assertEquals(e.get("width").asInt() + "x" + e.get("height").asInt(), image.width() + "x" + image.height(), what);
            if (!e.get("rgb").isNull()) assertPixels(expected(e, "rgb"), image.width(), image.height(), image, what);
            assertEquals(e.get("sha256").asText(), sha256(image.toRgbBytes()), what + ": sha256 of the RGB bytes");
            checked++;
        }
        assertEquals(12, checked, "RGB, RGBA, L, LA, P+transparency, 16-bit grey/RGB/grey+alpha and 2-bit grey PNGs");
    }

    @Test
    void jpegDecodingIsCloseToLibjpeg() throws Exception {
        JsonNode e = null;
        for (JsonNode d : manifest.get("decode")) if (d.get("file").asText().endsWith(".jpg")) e = d;
        assertNotNull(e);
        RgbImage image = source(e.get("file").asText());
        byte[] pil = expected(e, "rgb"), ours = image.toRgbBytes();
        assertEquals(pil.length, ours.length);
        int max = 0;
        long sum = 0;
        for (int i = 0; i < pil.length; i++) {
            int d = Math.abs((pil[i] & 0xFF) - (ours[i] & 0xFF));
            max = Math.max(max, d);
            sum += d;
        }
        // JDK ImageIO (IJG libjpeg 6b) and Pillow's libjpeg-turbo both use the exact integer IDCT and fancy
        // upsampling by default; on this baseline 4:2:0 file they agree exactly (max 0). The small allowance
        // covers decoder revisions; a colour-conversion or upsampling bug moves samples by far more.
        assertTrue(max <= 2, "max JPEG decoder difference " + max);
        assertTrue(sum / (double) pil.length < 0.1, "mean JPEG decoder difference " + sum / (double) pil.length);
    }

    @Test
    void bicubicResizeMatchesPilExactly() throws Exception {
        int checked = 0;
        for (JsonNode e : manifest.get("resize")) {
            int w = e.get("width").asInt(), h = e.get("height").asInt();
            RgbImage src = source(e.get("source").asText());
            RgbImage out = PilBicubic.resize(src, w, h);
            assertPixels(expected(e, "rgb"), w, h, out, e.get("source").asText() + " -> " + w + "x" + h);
            checked++;
        }
        assertEquals(12, checked, "up, down, one-axis-only and extreme resizes");
    }

    // Values computed from spec section 3 in Python; the 0.5 rounding away from zero (-155986.51 -> -155987,
    // 2723167.52 -> 2723168) rarely changes a pixel, so the image fixtures alone would not pin it down.
    @Test
    void fixedPointTapsFollowPillow() {
        PilBicubic.Taps down = PilBicubic.taps(4, 2);
        assertArrayEquals(new int[] {0, 0}, down.first());
        assertArrayEquals(new int[] {4, 4}, down.count());
        assertArrayEquals(new int[] {1923834, 1923834, 502623, -155987}, java.util.Arrays.copyOfRange(down.weights(), 0, 4));
        assertArrayEquals(new int[] {-155987, 502623, 1923834, 1923834},
                java.util.Arrays.copyOfRange(down.weights(), down.stride(), down.stride() + 4));
        PilBicubic.Taps up = PilBicubic.taps(3, 5);
        assertEquals(5, up.stride(), "ceil(support 2) * 2 + 1");
        assertArrayEquals(new int[] {0, 0}, java.util.Arrays.copyOfRange(up.first(), 0, 2));
        assertArrayEquals(new int[] {2, 3}, java.util.Arrays.copyOfRange(up.count(), 0, 2));
        assertArrayEquals(new int[] {4510855, -316551}, java.util.Arrays.copyOfRange(up.weights(), 0, 2));
        assertArrayEquals(new int[] {2723168, 1658941, -187805}, java.util.Arrays.copyOfRange(up.weights(), 5, 8));
    }

    @Test
    void processorPixelsMatchPilAndTransformers() throws Exception {
        int checked = 0;
        for (JsonNode e : manifest.get("processors")) {
            ImagePreprocessor p = processor(e);
            RgbImage out = p.toModelPixels(source(e.get("source").asText()));
            int s = e.get("size").asInt();
            assertPixels(expected(e, "rgb"), s, s, out, e.get("processor").asText() + " " + e.get("source").asText() + " at " + s);
            checked++;
        }
        assertEquals(10, checked);
    }

    @Test
    void normalisedPixelValuesMatchBitForBit() throws Exception {
        for (JsonNode e : manifest.get("normalised")) {
            int s = e.get("size").asInt();
            Tensor t = processor(e).preprocess(dir.resolve(e.get("source").asText()));
            assertArrayEquals(new int[] {3, s, s}, t.shape());
            float[] got = t.toFloatArray();
            ByteBuffer buf = ByteBuffer.wrap(expected(e, "f32")).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(got.length * 4, buf.capacity());
            for (int i = 0; i < got.length; i++) {
                float want = buf.getFloat(i * 4);
                if (Float.floatToIntBits(want) != Float.floatToIntBits(got[i])) {
                    fail(e.get("processor").asText() + " " + e.get("source").asText() + ": element " + i + " (channel " + i / (s * s)
                            + ") is " + got[i] + ", transformers gives " + want);
                }
            }
        }
    }

    private static ImagePreprocessor processor(JsonNode e) {
        int s = e.get("size").asInt();
        return switch (e.get("processor").asText()) {
            case "clip" -> ClipImageProcessor.clip(s);
            case "llava" -> ClipImageProcessor.llavaPadToSquare(s);
            case "siglip" -> SiglipImageProcessor.siglip(s);
            default -> throw new IllegalArgumentException(e.toString());
        };
    }

    @Test
    void expandToSquareCentresOnTheMeanColour() {
        assertArrayEquals(new int[] {122, 116, 104}, ChannelNormalization.OPENAI_CLIP.meanLevels(),
                "LLaVA truncates mean * 255: int(122.77), int(116.75), int(104.09)");
        RgbImage wide = RgbImage.filled(7, 4, 10, 20, 30);
        RgbImage sq = ClipImageProcessor.expandToSquare(wide, new int[] {122, 116, 104});
        assertEquals(7, sq.width());
        assertEquals(7, sq.height());
        // (7 - 4) // 2 = 1 background row above, 2 below.
        for (int y = 0; y < 7; y++) {
            boolean inside = y >= 1 && y < 5;
            assertEquals(inside ? 10 : 122, sq.sample(3, y, 0), "row " + y);
            assertEquals(inside ? 30 : 104, sq.sample(6, y, 2), "row " + y);
        }
        RgbImage tall = ClipImageProcessor.expandToSquare(RgbImage.filled(2, 5, 1, 2, 3), new int[] {9, 9, 9});
        assertEquals(List.of(9, 1, 1, 9, 9), List.of(tall.sample(0, 2, 0), tall.sample(1, 2, 0), tall.sample(2, 2, 0),
                tall.sample(3, 2, 0), tall.sample(4, 2, 0)), "(5 - 2) // 2 = 1 column on the left");
        RgbImage square = RgbImage.filled(4, 4, 1, 2, 3);
        assertSame(square, ClipImageProcessor.expandToSquare(square, new int[3]), "square images are left alone");
    }

    @Test
    void shortestEdgeFloorsTheLongSideAndCropIsCentred() {
        RgbImage img = RgbImage.filled(37, 23, 0, 0, 0);
        RgbImage r = ClipImageProcessor.resizeShortestEdge(img, 48);
        assertEquals("77x48", r.width() + "x" + r.height(), "int(48 * 37 / 23) = int(77.2)");
        RgbImage p = ClipImageProcessor.resizeShortestEdge(RgbImage.filled(64, 100, 0, 0, 0), 32);
        assertEquals("32x50", p.width() + "x" + p.height());
        byte[] ramp = new byte[5 * 4 * 3];
        for (int i = 0; i < ramp.length; i++) ramp[i] = (byte) i;
        RgbImage c = ClipImageProcessor.centerCrop(RgbImage.of(5, 4, ramp), 2);
        // left = (5 - 2) // 2 = 1, top = (4 - 2) // 2 = 1.
        assertEquals((1 * 5 + 1) * 3, c.sample(0, 0, 0));
        assertThrows(ImageException.class, () -> ClipImageProcessor.centerCrop(img, 24));
    }

    @Test
    void batchStacksImagesInOrder() {
        ClipImageProcessor p = ClipImageProcessor.clip(16);
        List<RgbImage> images = List.of(source("gradient_37x23.png"), source("portrait_64x100.png"), source("square_17x17.png"));
        Tensor batch = p.preprocessBatch(images);
        assertArrayEquals(new int[] {3, 3, 16, 16}, batch.shape());
        float[] all = batch.toFloatArray();
        for (int b = 0; b < images.size(); b++) {
            float[] one = p.preprocess(images.get(b)).toFloatArray();
            for (int i = 0; i < one.length; i++) assertEquals(one[i], all[b * one.length + i], "image " + b + " element " + i);
        }
        // Non-contiguous inputs are copied in logical order.
        Tensor t = p.preprocess(images.get(0));
        Tensor flipped = t.transpose(1, 2);
        Tensor stacked = ImageBatch.stack(List.of(flipped));
        assertEquals(t.getFloat(1, 3, 5), stacked.getFloat(0, 1, 5, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageBatch.stack(List.of(t, SiglipImageProcessor.siglip(8).preprocess(images.get(0)))));
        assertTrue(e.getMessage().contains("image 1") && e.getMessage().contains("[3, 8, 8]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageBatch.stack(List.of()));
    }

    @Test
    void unreadableImagesNameTheFile() throws IOException {
        byte[] png = Files.readAllBytes(dir.resolve("portrait_64x100.png"));
        Path truncated = tmp.resolve("truncated.png");
        Files.write(truncated, java.util.Arrays.copyOf(png, png.length / 2));
        assertError(truncated, "image file is truncated");
        Path corrupt = tmp.resolve("corrupt.png");
        byte[] flipped = png.clone();
        for (int i = 100; i < 400; i++) flipped[i] ^= (byte) 0x5A;
        Files.write(corrupt, flipped);
        assertError(corrupt, "corrupt");
        Path text = tmp.resolve("notes.jpg");
        Files.writeString(text, "not an image at all");
        assertError(text, "not a readable image");
        assertError(tmp.resolve("missing.png"), "no such image file");
    }

    private static void assertError(Path file, String words) {
        ImageException e = assertThrows(ImageException.class, () -> ImageDecoder.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(words), e.getMessage());
        assertTrue(!e.getMessage().contains("IIOException") && !e.getMessage().contains("javax."), e.getMessage());
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}

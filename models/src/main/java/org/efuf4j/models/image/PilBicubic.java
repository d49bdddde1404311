package org.efuf4j.models.image;

import org.efuf4j.tensor.Parallel;

/**
 * PIL's {@code Image.resize(size, Image.BICUBIC)} for 8-bit RGB, bit for bit (Pillow's {@code Resample.c},
 * as in Debian's Pillow 9.4 with {@code reducing_gap=None}, which is what {@code CLIPImageProcessor} uses):
 * separable, a horizontal pass then a vertical pass, each skipped when its size does not change, each
 * rounding to uint8; Keys' cubic with a = -0.5 widened by the scale when shrinking (so downscaling
 * antialiases); coefficients in 22-bit fixed point.
 */
public final class PilBicubic {
    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;

    private PilBicubic() {}

    /** The fixed-point filter taps of one pass: output i reads {@code count[i]} inputs from {@code first[i]}. */
    record Taps(int[] first, int[] count, int[] weights, int stride) {}

    public static RgbImage resize(RgbImage src, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outWidth + "x" + outHeight);
        }
        RgbImage image = src;
        if (outWidth != image.width()) image = horizontal(image, taps(image.width(), outWidth));
        if (outHeight != image.height()) image = vertical(image, taps(image.height(), outHeight));
        return image;
    }

    static double cubic(double t) {
        double x = Math.abs(t);
        if (x < 1.0) return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * A;
        return 0.0;
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * stride];
        double[] k = new double[stride];
        double ss = 1.0 / filterScale;
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // (int) truncates toward zero exactly like the C cast; negative starts clamp to 0 below.
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = cubic((x + xmin - center + 0.5) * ss);
                k[x] = w;
                sum += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = sum != 0.0 ? k[x] / sum : k[x];
                weights[i * stride + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            first[i] = xmin;
            count[i] = xmax;
        }
        return new Taps(first, count, weights, stride);
    }

    /** Output rows per parallel task: enough taps (~64k pixel-taps) to outweigh the hand-off. */
    private static int rowsPerTask(int tapsPerRow) { return Math.max(1, (1 << 16) / Math.max(1, tapsPerRow)); }

    /** {@code clip8}: the fixed-point sum back to a byte, clamped. */
    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    private static RgbImage horizontal(RgbImage src, Taps t) {
        int inW = src.width(), h = src.height(), outW = t.first.length;
        byte[] in = src.data();
        byte[] out = new byte[outW * h * 3];
        Parallel.forRange(h, rowsPerTask(outW * t.stride), (start, end) -> {
            for (int y = start; y < end; y++) {
                int rowIn = y * inW * 3, rowOut = y * outW * 3;
                for (int xx = 0; xx < outW; xx++) {
                    int r = 1 << (PRECISION_BITS - 1), g = r, b = r;
                    int base = rowIn + t.first[xx] * 3, kOff = xx * t.stride;
                    for (int x = 0, n = t.count[xx]; x < n; x++) {
                        int w = t.weights[kOff + x], p = base + x * 3;
                        r += (in[p] & 0xFF) * w;
                        g += (in[p + 1] & 0xFF) * w;
                        b += (in[p + 2] & 0xFF) * w;
                    }
                    int o = rowOut + xx * 3;
                    out[o] = clip8(r);
                    out[o + 1] = clip8(g);
                    out[o + 2] = clip8(b);
                }
            }
        });
        return RgbImage.wrap(outW, h, out);
    }

    private static RgbImage vertical(RgbImage src, Taps t) {
        int w = src.width(), outH = t.first.length, rowLen = w * 3;
        byte[] in = src.data();
        byte[] out = new byte[rowLen * outH];
        Parallel.forRange(outH, rowsPerTask(w * t.stride), (start, end) -> {
            // Row by row into an accumulator row: same integer sums as Pillow's per-pixel loop
            // (integer addition is associative), but streaming through memory.
            int[] acc = new int[rowLen];
            for (int yy = start; yy < end; yy++) {
                int kOff = yy * t.stride, firstRow = t.first[yy] * rowLen, n = t.count[yy];
                java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
                for (int y = 0; y < n; y++) {
                    int weight = t.weights[kOff + y], base = firstRow + y * rowLen;
                    for (int i = 0; i < rowLen; i++) acc[i] += (in[base + i] & 0xFF) * weight;
                }
                int o = yy * rowLen;
                for (int i = 0; i < rowLen; i++) out[o + i] = clip8(acc[i]);
            }
        });
        return RgbImage.wrap(w, outH, out);
    }
}

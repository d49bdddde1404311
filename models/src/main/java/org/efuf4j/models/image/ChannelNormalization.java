package org.efuf4j.models.image;

import org.efuf4j.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code rescale} by 1/255 then {@code normalize} with per-channel mean and std, as the Hugging Face
 * image processors do it: the rescale in float64 rounded to float32, the normalisation in float32
 * ({@code (x - mean) / std} with mean and std cast to float32), so the result equals theirs exactly.
 */
public record ChannelNormalization(double[] mean, double[] std) {
    /** OpenAI CLIP's statistics ({@code OPENAI_CLIP_MEAN}, {@code OPENAI_CLIP_STD}). */
    public static final ChannelNormalization OPENAI_CLIP = new ChannelNormalization(
            new double[] {0.48145466, 0.4578275, 0.40821073}, new double[] {0.26862954, 0.26130258, 0.27577711});
    /** {@code IMAGENET_STANDARD_MEAN/STD} = 0.5: maps 0..255 onto -1..1 (SigLIP). */
    public static final ChannelNormalization HALF = new ChannelNormalization(
            new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});

    private static final double RESCALE = 1.0 / 255;

    public ChannelNormalization {
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 channels");
        for (double s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive, got " + s);
        mean = mean.clone();
        std = std.clone();
    }

    @Override public boolean equals(Object o) {
        return o instanceof ChannelNormalization other && Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std); }

    @Override public String toString() { return "ChannelNormalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]"; }

    @Override public double[] mean() { return mean.clone(); }

    @Override public double[] std() { return std.clone(); }

    /** The mean as 0..255 levels truncated, as LLaVA's {@code tuple(int(x * 255) for x in image_mean)}: (122, 116, 104) for CLIP. */
    public int[] meanLevels() {
        return new int[] {(int) (mean[0] * 255), (int) (mean[1] * 255), (int) (mean[2] * 255)};
    }

    /** The image as a float32 {@code [3, H, W]} tensor (channels first). */
    public Tensor toTensor(RgbImage image) {
        int w = image.width(), h = image.height(), plane = w * h;
        byte[] rgb = image.data();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            float m = (float) mean[c], s = (float) std[c];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                float x = (float) ((rgb[i * 3 + c] & 0xFF) * RESCALE);
                out[base + i] = (x - m) / s;
            }
        }
        return Tensor.of(out, 3, h, w);
    }
}

package org.efuf4j.models.image;

/**
 * {@code SiglipImageProcessor}: convert to RGB, bicubic-resize to {@code size x size} ignoring the aspect
 * ratio, rescale by 1/255, normalise with mean = std = 0.5. No crop.
 */
public record SiglipImageProcessor(int size, ChannelNormalization normalization) implements ImagePreprocessor {

    public SiglipImageProcessor {
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
    }

    /** SigLIP at {@code size} (224 for the base models, 384 for so400m in llava-interleave). */
    public static SiglipImageProcessor siglip(int size) { return new SiglipImageProcessor(size, ChannelNormalization.HALF); }

    @Override public int imageSize() { return size; }

    @Override public RgbImage toModelPixels(RgbImage image) { return PilBicubic.resize(image, size, size); }
}

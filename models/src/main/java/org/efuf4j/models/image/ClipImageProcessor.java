package org.efuf4j.models.image;

/**
 * {@code CLIPImageProcessor}: convert to RGB, bicubic-resize the shortest side to {@code shortestEdge}
 * (long side {@code floor(shortestEdge * long / short)}), centre-crop {@code cropSize} square with
 * top/left floored, rescale by 1/255, normalise. With {@code padToSquare} the image is first centred on a
 * square of the mean colour, as the original LLaVA-1.5 ({@code image_aspect_ratio = "pad"}) does.
 */
public record ClipImageProcessor(int shortestEdge, int cropSize, ChannelNormalization normalization, boolean padToSquare)
        implements ImagePreprocessor {

    public ClipImageProcessor {
        if (shortestEdge <= 0 || cropSize <= 0 || cropSize > shortestEdge) {
            throw new IllegalArgumentException("need 0 < crop_size <= shortest_edge, got crop " + cropSize + ", shortest edge " + shortestEdge);
        }
    }

    /** OpenAI CLIP at {@code size} (224 for ViT-B/32, 336 for ViT-L/14-336); also llava-hf's processor. */
    public static ClipImageProcessor clip(int size) {
        return new ClipImageProcessor(size, size, ChannelNormalization.OPENAI_CLIP, false);
    }

    /** Original LLaVA-1.5: pad to a square of the mean colour (122, 116, 104), then {@link #clip}. */
    public static ClipImageProcessor llavaPadToSquare(int size) {
        return new ClipImageProcessor(size, size, ChannelNormalization.OPENAI_CLIP, true);
    }

    @Override public int imageSize() { return cropSize; }

    @Override public RgbImage toModelPixels(RgbImage image) {
        RgbImage square = padToSquare ? expandToSquare(image, normalization.meanLevels()) : image;
        return centerCrop(resizeShortestEdge(square, shortestEdge), cropSize);
    }

    /** LLaVA's {@code expand2square}: the image centred (offset floored) on a square of {@code background}. */
    public static RgbImage expandToSquare(RgbImage image, int[] background) {
        int w = image.width(), h = image.height();
        if (w == h) return image;
        int side = Math.max(w, h);
        RgbImage canvas = RgbImage.filled(side, side, background[0], background[1], background[2]);
        return w > h ? image.pastedOnto(canvas, 0, (w - h) / 2) : image.pastedOnto(canvas, (h - w) / 2, 0);
    }

    /** transformers' {@code get_resize_output_image_size(default_to_square=False)} then PIL bicubic. */
    public static RgbImage resizeShortestEdge(RgbImage image, int shortestEdge) {
        int w = image.width(), h = image.height();
        // int(S * long / short) in Python: the quotient of two exact integers floors the same in integer arithmetic.
        long longSide = (long) shortestEdge * Math.max(w, h) / Math.min(w, h);
        int newLong = Math.toIntExact(longSide);
        return w <= h ? PilBicubic.resize(image, shortestEdge, newLong) : PilBicubic.resize(image, newLong, shortestEdge);
    }

    /** transformers' {@code center_crop}: top = (H - S) // 2, left = (W - S) // 2. */
    public static RgbImage centerCrop(RgbImage image, int size) {
        if (image.width() < size || image.height() < size) {
            throw new ImageException("cannot centre-crop " + size + "x" + size + " from a " + image.width() + "x" + image.height() + " image");
        }
        return image.crop((image.width() - size) / 2, (image.height() - size) / 2, size, size);
    }
}

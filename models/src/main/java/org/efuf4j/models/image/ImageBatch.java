package org.efuf4j.models.image;

import org.efuf4j.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/** Stacks preprocessed images into one {@code pixel_values} batch. */
public final class ImageBatch {
    private ImageBatch() {}

    /** {@code [3, H, W]} tensors of one shape to {@code [B, 3, H, W]} float32. */
    public static Tensor stack(List<Tensor> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("cannot stack an empty list of images");
        int[] shape = images.getFirst().shape();
        if (shape.length != 3 || shape[0] != 3) {
            throw new IllegalArgumentException("image 0: expected shape [3, H, W], got " + Arrays.toString(shape));
        }
        int per = shape[0] * shape[1] * shape[2];
        float[] out = new float[Math.multiplyExact(per, images.size())];
        for (int b = 0; b < images.size(); b++) {
            Tensor t = images.get(b);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("image " + b + ": expected shape " + Arrays.toString(shape)
                        + " like image 0, got " + Arrays.toString(t.shape()));
            }
            System.arraycopy(t.toFloatArray(), 0, out, b * per, per);
        }
        return Tensor.of(out, images.size(), shape[0], shape[1], shape[2]);
    }
}

package org.efuf4j.models;

import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Checks and helpers for the tensors callers hand to the models (ids, masks, pixels, positions). */
public final class ModelInputs {
    private ModelInputs() {}

    /** {@code [B, T]} I64 positions {@code start, start+1, ...} on {@code device}. */
    public static Tensor positions(int batch, int length, int start, Device device) {
        long[] p = new long[batch * length];
        for (int b = 0; b < batch; b++) for (int t = 0; t < length; t++) p[b * length + t] = start + t;
        return Tensor.ofLongs(p, batch, length).to(device);
    }

    /** Token ids as a rank-2 integer tensor on {@code device}. */
    public static Tensor ids(Tensor ids, String name, Device device) {
        if (ids.rank() != 2) throw new IllegalArgumentException(name + " must be [batch, length], got " + Shapes.str(ids.shape()));
        if (ids.dtype().isFloating()) throw new IllegalArgumentException(name + " must hold integer ids (I64/I32), got " + ids.dtype());
        return ids.to(device);
    }

    /** Pixels {@code [B, C, S, S]} matching the tower's image size and channels. */
    public static Tensor pixels(Tensor pixels, int channels, int imageSize, Device device) {
        int[] s = pixels.shape();
        if (s.length != 4 || s[1] != channels || s[2] != imageSize || s[3] != imageSize)
            throw new IllegalArgumentException("pixel_values must be [batch, " + channels + ", " + imageSize + ", " + imageSize
                    + "] for this vision tower, got " + Shapes.str(s));
        return pixels.to(device);
    }
}

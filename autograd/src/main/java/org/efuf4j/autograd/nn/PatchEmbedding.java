package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.Lookups;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.Tensor;

/** A stride-p conv of images into patch tokens, {@code weight [D, C, p, p]} as in HF's {@code patch_embedding}. */
public final class PatchEmbedding extends Module {
    public final Parameter weight, bias;

    public PatchEmbedding(int channels, int dim, int patch, boolean hasBias, Random init) {
        float bound = (float) (1.0 / Math.sqrt(channels * patch * patch));
        weight = register("weight", Init.uniform(init, bound, dim, channels, patch, patch));
        bias = hasBias ? register("bias", Init.uniform(init, bound, dim)) : null;
    }

    /** {@code images [B, C, H, W]} to {@code [B, (H/p)(W/p), D]}. */
    public Variable forward(Tensor images) { return Lookups.patchEmbedding(images, weight, bias); }
}

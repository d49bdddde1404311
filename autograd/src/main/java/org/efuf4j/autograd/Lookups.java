package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/** Embedding lookups and patch embedding (a patch convolution as patches @ W^T). */
public final class Lookups {
    private Lookups() {}

    /** Rows of {@code table [V, D]} at {@code ids}; backward scatter-adds into the table. */
    public static Variable embedding(Variable table, Tensor ids) {
        Backend be = table.backend();
        int vocab = table.dim(0);
        return Graph.record(be.embedding(table.value(), ids), new Node(table) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.embeddingBackward(ids, g, vocab)}; }
        });
    }

    /**
     * A stride-{@code patch} convolution of {@code images [B, C, H, W]} with a Hugging Face conv weight
     * {@code [D, C, p, p]} (and optional bias {@code [D]}): {@code [B, (H/p)(W/p), D]}. Pixels get no gradient.
     */
    public static Variable patchEmbedding(Tensor images, Variable weight, Variable bias) {
        int d = weight.dim(0), patch = weight.dim(2);
        if (weight.rank() != 4 || weight.dim(3) != patch || weight.dim(1) != images.dim(1))
            throw new IllegalArgumentException("patch embedding weight must be [D, C, p, p] with C = " + images.dim(1)
                    + ", got " + org.efuf4j.tensor.Shapes.str(weight.shape()));
        Variable patches = Variable.constant(images.backend().patches(images, patch));
        return MatrixOps.linear(patches, weight.reshape(d, -1), bias);
    }
}

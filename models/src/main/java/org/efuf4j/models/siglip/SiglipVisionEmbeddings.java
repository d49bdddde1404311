package org.efuf4j.models.siglip;

import java.util.Random;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Embedding;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.PatchEmbedding;
import org.efuf4j.models.config.SiglipVisionConfig;
import org.efuf4j.tensor.Tensor;

/** HF {@code SiglipVisionEmbeddings}: patches (conv WITH bias) plus position embeddings; no class token. */
public final class SiglipVisionEmbeddings extends Module {
    public final PatchEmbedding patchEmbedding;
    public final Embedding positionEmbedding;

    public SiglipVisionEmbeddings(SiglipVisionConfig c, Random init) {
        patchEmbedding = register("patch_embedding", new PatchEmbedding(c.numChannels(), c.hiddenSize(), c.patchSize(), true, init));
        positionEmbedding = register("position_embedding", new Embedding(c.numPositions(), c.hiddenSize(), init));
    }

    public Variable forward(Tensor pixels) {
        return Arithmetic.add(patchEmbedding.forward(pixels), positionEmbedding.weight);
    }
}

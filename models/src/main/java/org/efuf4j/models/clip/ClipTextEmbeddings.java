package org.efuf4j.models.clip;

import java.util.Random;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Embedding;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.tensor.Tensor;

/** HF {@code CLIPTextEmbeddings}: {@code token_embedding[ids] + position_embedding[0..L-1]}. */
public final class ClipTextEmbeddings extends Module {
    public final Embedding tokenEmbedding, positionEmbedding;

    public ClipTextEmbeddings(int vocab, int positions, int hidden, Random init) {
        tokenEmbedding = register("token_embedding", new Embedding(vocab, hidden, init));
        positionEmbedding = register("position_embedding", new Embedding(positions, hidden, init));
    }

    /** {@code ids [B, L]} on the model's device. */
    public Variable forward(Tensor ids) {
        int length = ids.dim(1), max = positionEmbedding.weight.dim(0);
        if (length > max) throw new IllegalArgumentException("text of " + length + " tokens exceeds the " + max + " positions of the CLIP text tower");
        Variable positions = positionEmbedding.weight.slice(0, 0, length);
        return Arithmetic.add(tokenEmbedding.forward(ids), positions);
    }
}

package org.efuf4j.models.clip;

import java.util.Random;

import org.efuf4j.autograd.Arithmetic;
import org.efuf4j.autograd.Shaping;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Embedding;
import org.efuf4j.autograd.nn.Init;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.nn.PatchEmbedding;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/** HF {@code CLIPVisionEmbeddings}: class token, then the patches (conv without bias), plus position embeddings. */
public final class ClipVisionEmbeddings extends Module {
    public final Parameter classEmbedding;
    public final PatchEmbedding patchEmbedding;
    public final Embedding positionEmbedding;

    public ClipVisionEmbeddings(ClipVisionConfig c, Random init) {
        classEmbedding = register("class_embedding", Init.normal(init, 1f, c.hiddenSize()));
        patchEmbedding = register("patch_embedding", new PatchEmbedding(c.numChannels(), c.hiddenSize(), c.patchSize(), false, init));
        positionEmbedding = register("position_embedding", new Embedding(c.numPositions(), c.hiddenSize(), init));
    }

    /** {@code pixels [B, C, S, S]} to {@code [B, 1 + G*G, D]}. */
    public Variable forward(Tensor pixels) {
        Variable patches = patchEmbedding.forward(pixels);
        int batch = patches.dim(0), d = patches.dim(2);
        // Broadcasting the class token over the batch through an add keeps its gradient a plain sum.
        Variable zeros = Variable.constant(patches.backend().zeros(DType.F32, batch, 1, d));
        Variable cls = Arithmetic.add(zeros, classEmbedding.reshape(1, 1, d));
        return Arithmetic.add(Shaping.concat(1, cls, patches), positionEmbedding.weight);
    }
}

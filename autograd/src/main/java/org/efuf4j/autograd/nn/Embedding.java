package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.autograd.Lookups;
import org.efuf4j.autograd.Variable;
import org.efuf4j.tensor.Tensor;

/** A {@code [vocab, dim]} lookup table (torch.nn.Embedding, N(0, 1) init). */
public final class Embedding extends Module {
    public final Parameter weight;

    public Embedding(int vocab, int dim, Random init) { weight = register("weight", Init.normal(init, 1f, vocab, dim)); }

    public Variable forward(Tensor ids) { return Lookups.embedding(weight, ids); }
}

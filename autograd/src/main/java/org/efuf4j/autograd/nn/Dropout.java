package org.efuf4j.autograd.nn;

import org.efuf4j.autograd.Regularization;
import org.efuf4j.autograd.Variable;

/** Inverted dropout in training mode, identity in eval mode; each call draws a fresh mask from a seeded counter. */
public final class Dropout extends Module {
    private final float p;
    private final long seed;
    private long calls;

    public Dropout(float p, long seed) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
        this.seed = seed;
    }

    public Variable forward(Variable x) {
        if (!isTraining() || p == 0f) return x;
        return Regularization.dropout(x, p, seed * 0x9E3779B97F4A7C15L + calls++);
    }
}

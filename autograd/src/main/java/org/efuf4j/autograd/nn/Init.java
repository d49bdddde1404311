package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Host initialisers for fresh layers (torch's defaults); move the module to its device afterwards. */
public final class Init {
    private Init() {}

    private static final ThreadLocal<int[]> PLACEHOLDER_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * A scope in which initialisers return placeholders instead of random values: one zero broadcast to the
     * shape (no memory per element), for modules whose weights a checkpoint load replaces right after
     * construction — a 7B model must not fill 28 GB of heap with random numbers first.
     * {@code try (var s = Init.placeholders()) { model = new ...; } model.loadStateDict(...)}. Per thread.
     */
    public static AutoCloseable placeholders() {
        PLACEHOLDER_DEPTH.get()[0]++;
        boolean[] closed = {false};
        return () -> {
            if (!closed[0]) {
                closed[0] = true;
                PLACEHOLDER_DEPTH.get()[0]--;
            }
        };
    }

    private static Tensor placeholder(int[] shape) {
        if (PLACEHOLDER_DEPTH.get()[0] == 0) return null;
        return Tensor.of(new float[1]).expand(shape);
    }

    public static Tensor uniform(Random r, float bound, int... shape) {
        Tensor p = placeholder(shape);
        if (p != null) return p;
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (r.nextFloat() * 2f - 1f) * bound;
        return Tensor.of(d, shape);
    }

    public static Tensor normal(Random r, float std, int... shape) {
        Tensor p = placeholder(shape);
        if (p != null) return p;
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * std;
        return Tensor.of(d, shape);
    }

    public static Tensor constant(float v, int... shape) {
        Tensor p = placeholder(shape);
        if (p != null) return p;
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        java.util.Arrays.fill(d, v);
        return Tensor.of(d, shape);
    }
}

package org.efuf4j.autograd.nn;

import java.util.Random;

import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Host initialisers for fresh layers (torch's defaults); move the module to its device afterwards. */
public final class Init {
    private Init() {}

    public static Tensor uniform(Random r, float bound, int... shape) {
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (r.nextFloat() * 2f - 1f) * bound;
        return Tensor.of(d, shape);
    }

    public static Tensor normal(Random r, float std, int... shape) {
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * std;
        return Tensor.of(d, shape);
    }

    public static Tensor constant(float v, int... shape) {
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        java.util.Arrays.fill(d, v);
        return Tensor.of(d, shape);
    }
}

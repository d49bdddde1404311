package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * The scalar twin of {@link CpuElementwise}: element by element through {@link Tensor#toFloatArray} of
 * broadcast views and the ops' own scalar definitions. Slow and obviously right; tests only.
 */
final class ElementwiseReference {
    private ElementwiseReference() {}

    static Tensor unary(UnaryOp op, Tensor x) {
        float[] v = x.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = op.apply(v[i]);
        return Tensor.of(v, x.shape());
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        float[] av = a.expand(shape).toFloatArray(), bv = b.expand(shape).toFloatArray();
        float[] out = new float[av.length];
        for (int i = 0; i < out.length; i++) out[i] = op.apply(av[i], bv[i]);
        return Tensor.of(out, shape);
    }

    static Tensor affine(Tensor x, float scale, float shift) {
        float[] v = x.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = (float) ((double) v[i] * scale + shift);
        return Tensor.of(v, x.shape());
    }

    /** Steps a row-major multi-index through {@code shape}; false after the last index. */
    static boolean next(long[] index, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) return true;
            index[d] = 0;
        }
        return false;
    }
}

package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import org.efuf4j.tensor.DropoutRng;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryMath;
import org.efuf4j.tensor.UnaryOp;

/** Host backward kernels that work element by element: activation derivatives, embedding scatter-add, dropout masks. */
final class CpuBackwardElementwise {
    private CpuBackwardElementwise() {}

    static Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy) {
        CpuBackwardArrays.requireShape("unaryBackward(" + op + ") upstream gradient", dy, x.shape());
        float[] xs = floats(x), g = floats(dy);
        float[] out = new float[xs.length];
        Parallel.forRange(xs.length, 4096, (s, e) -> {
            for (int i = s; i < e; i++) out[i] = (float) (g[i] * UnaryMath.derivative(op, xs[i]));
        });
        return CpuBackwardArrays.tensor(out, x.shape());
    }

    static Tensor embeddingBackward(Tensor ids, Tensor dy, int vocab) {
        long[] flat = CpuBackwardArrays.ids(ids, "embedding ids");
        int dim = CpuBackwardArrays.lastDim(dy);
        if (dy.numel() != (long) flat.length * dim)
            throw new IllegalArgumentException("embeddingBackward: gradient " + Shapes.str(dy.shape()) + " does not match ids " + Shapes.str(ids.shape()));
        for (long id : flat)
            if (id < 0 || id >= vocab) throw new IndexOutOfBoundsException("token id " + id + " outside the embedding table of " + vocab + " rows");
        float[] g = floats(dy);
        float[] out = new float[Math.multiplyExact(vocab, dim)];
        // Split over columns: every task owns its columns of every row, so repeated ids never race.
        Parallel.forRange(dim, 16, (c0, c1) -> {
            for (int i = 0; i < flat.length; i++) {
                int dst = (int) flat[i] * dim, src = i * dim;
                for (int c = c0; c < c1; c++) out[dst + c] += g[src + c];
            }
        });
        return CpuBackwardArrays.tensor(out, vocab, dim);
    }

    static Tensor dropoutMask(float p, long seed, int... shape) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        float[] out = new float[Math.toIntExact(Shapes.numel(shape))];
        Parallel.forRange(out.length, 4096, (s, e) -> {
            for (int i = s; i < e; i++) out[i] = DropoutRng.maskValue(seed, i, p);
        });
        return CpuBackwardArrays.tensor(out, shape);
    }
}

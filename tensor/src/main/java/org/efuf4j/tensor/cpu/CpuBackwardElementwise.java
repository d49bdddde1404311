package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryMath;
import org.efuf4j.tensor.UnaryOp;

/** Host backward kernels that work element by element: activation derivatives and the embedding scatter-add. */
final class CpuBackwardElementwise {
    private static final VectorSpecies<Float> S = Species.F;

    private CpuBackwardElementwise() {}

    static Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy) {
        CpuBackwardArrays.requireShape("unaryBackward(" + op + ") upstream gradient", dy, x.shape());
        float[] xs = floats(x), g = floats(dy);
        float[] out = new float[xs.length];
        Parallel.forRange(xs.length, 4096, (s, e) -> {
            int tail = VECTORIZED.contains(op) ? vectorDerivative(op, xs, g, out, s, e) : s;
            scalarDerivative(op, xs, g, out, tail, e);
        });
        return CpuBackwardArrays.tensor(out, x.shape());
    }

    /** The plain twin (and the tail of the vector loop): the double-precision definition per element. */
    static void scalarDerivative(UnaryOp op, float[] xs, float[] g, float[] out, int s, int e) {
        for (int i = s; i < e; i++) out[i] = (float) (g[i] * UnaryMath.derivative(op, xs[i]));
    }

    /** Activations whose derivative is worth vectorising (they sit on every MLP's backward path). */
    private static final java.util.Set<UnaryOp> VECTORIZED = java.util.EnumSet.of(
            UnaryOp.GELU_ERF, UnaryOp.GELU_TANH, UnaryOp.QUICK_GELU, UnaryOp.SILU, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.EXP);

    /** Processes whole vectors of {@code [s, e)}; returns where the scalar tail starts. */
    private static int vectorDerivative(UnaryOp op, float[] xs, float[] g, float[] out, int s, int e) {
        if (op == UnaryOp.GELU_ERF) return geluErfBackward(xs, g, out, s, e);
        int i = s;
        for (int bound = s + S.loopBound(e - s); i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, xs, i);
            FloatVector d = switch (op) {
                case GELU_TANH -> geluTanhDerivative(x);
                case QUICK_GELU -> scaledSigmoidDerivative(x, 1.702f);
                case SILU -> scaledSigmoidDerivative(x, 1f);
                case SIGMOID -> { FloatVector sg = sigmoid(x); yield sg.mul(sg.neg().add(1f)); }
                case TANH -> { FloatVector t = VectorMath.tanh(x); yield t.mul(t).neg().add(1f); }
                case EXP -> VectorMath.exp(x);
                default -> throw new IllegalStateException("no vector derivative for " + op);
            };
            d.mul(FloatVector.fromArray(S, g, i)).intoArray(out, i);
        }
        return i;
    }

    private static FloatVector reciprocal(FloatVector v) { return FloatVector.broadcast(S, 1f).div(v); }

    private static FloatVector sigmoid(FloatVector x) { return reciprocal(VectorMath.exp(x.neg()).add(1f)); }

    /** d/dx of {@code x * sigmoid(a x)} = s + a x s (1 - s) (SiLU: a = 1, quick_gelu: a = 1.702). */
    private static FloatVector scaledSigmoidDerivative(FloatVector x, float a) {
        FloatVector s = sigmoid(x.mul(a));
        return s.add(x.mul(a).mul(s).mul(s.neg().add(1f)));
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI), INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    private static FloatVector geluTanhDerivative(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector t = VectorMath.tanh(x.mul(x2.mul(0.044715f).add(1f)).mul(SQRT_2_OVER_PI));
        FloatVector inner = x2.mul(3f * 0.044715f).add(1f).mul(SQRT_2_OVER_PI);
        return t.add(1f).mul(0.5f).add(x.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(inner));
    }

    /**
     * The erf-GELU derivative in loops of their own: inside the shared switch its inlined body pushed the loop past
     * C2's inlining budget, and the vectors were boxed (20 MB allocated per million elements). Even alone, one loop
     * holding both exponentials (the normal CDF's and the density's) reached C2's node cutoff at the second one, which
     * then ran as a call on boxed vectors: 75 MB of garbage per train step and about 10% of its samples. So the CDF
     * goes into {@code out} first, and a second loop adds {@code x phi(x)} and applies the upstream gradient, the same
     * operations in the same order as the one-loop form {@code (Phi(x) + x phi(x)) g}, so the bits are unchanged. The CDF
     * is the tail-exact one of {@link VectorErf#normalCdf}.
     */
    private static int geluErfBackward(float[] xs, float[] g, float[] out, int s, int e) {
        int bound = s + S.loopBound(e - s);
        normalCdfInto(xs, out, s, bound);
        addDensityTermTimesGradient(xs, g, out, s, bound);
        return bound;
    }

    /** {@code out[i] = Phi(xs[i])} over whole vectors of {@code [s, bound)}. */
    private static void normalCdfInto(float[] xs, float[] out, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) VectorErf.normalCdf(FloatVector.fromArray(S, xs, i)).intoArray(out, i);
    }

    /** {@code out[i] = (out[i] + xs[i] phi(xs[i])) g[i]}, with {@code out} holding {@code Phi(xs)}. */
    private static void addDensityTermTimesGradient(float[] xs, float[] g, float[] out, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, xs, i);
            FloatVector.fromArray(S, out, i).add(x.mul(density(x))).mul(FloatVector.fromArray(S, g, i)).intoArray(out, i);
        }
    }

    /** {@code phi(x)}, the standard normal density. */
    private static FloatVector density(FloatVector x) {
        return VectorMath.exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
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
}

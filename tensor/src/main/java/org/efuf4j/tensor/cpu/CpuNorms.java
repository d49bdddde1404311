package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * LayerNorm and RMSNorm over the last axis (their backward: {@link CpuBackwardNorms}), in F32 for inputs and weights
 * of any float dtype and any strides. Weights are widened once per call; rows are the unit of parallel
 * work. {@link org.efuf4j.tensor.reference.ReferenceBackend ref64} is the reference twin (NormsTest).
 */
final class CpuNorms {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int L = F.length();
    private static final int GRAIN_ELEMENTS = 16384;

    private CpuNorms() {}

    /** {@code (x - mean) / sqrt(var + eps) * weight + bias} with the biased variance, as torch. */
    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        HostRows.requireFloat(x, "layerNorm", "x");
        int d = lastDim(x, "layerNorm");
        float[] w = HostRows.widen(checkVector(weight, d, "layerNorm", "weight", x));
        float[] b = HostRows.widen(checkVector(bias, d, "layerNorm", "bias", x));
        return rowwise(x, d, "layerNorm", (in, ii, out, oi) -> {
            float mean = CpuReductions.sum(in, ii, d) / d;
            float var = sumSquaredDeviations(in, ii, d, mean) / d;
            float rstd = 1f / (float) Math.sqrt(var + eps);
            normalize(in, ii, mean, rstd, w, b, out, oi, d);
        });
    }

    /**
     * Hugging Face LlamaRMSNorm: {@code x * rsqrt(mean(x^2) + eps)} in F32, then times weight. (HF rounds the
     * normalised value back to the input dtype before the weight; here everything stays F32.)
     */
    static Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        HostRows.requireFloat(x, "rmsNorm", "x");
        int d = lastDim(x, "rmsNorm");
        float[] w = HostRows.widen(checkVector(weight, d, "rmsNorm", "weight", x));
        return rowwise(x, d, "rmsNorm", (in, ii, out, oi) -> {
            float meanSquare = sumSquares(in, ii, d) / d;
            float rstd = 1f / (float) Math.sqrt(meanSquare + eps);
            normalize(in, ii, 0f, rstd, w, null, out, oi, d);
        });
    }

    // ------------------------------------------------------------------ shared row driver

    @FunctionalInterface
    private interface RowKernel { void run(float[] in, int ii, float[] out, int oi); }

    /** Runs {@code kernel} on every last-axis row of {@code x} (length {@code d}) into a contiguous F32 result. */
    private static Tensor rowwise(Tensor x, int d, String kernel, RowKernel body) {
        int[] shape = x.shape();
        float[] out = HostRows.newOutput(shape, kernel);
        if (out.length == 0) return Tensor.of(out, shape);
        HostRows.RowIndex rows = HostRows.RowIndex.of(x);
        long stride = x.stride(-1);
        Parallel.forRange(out.length / d, Math.max(1, GRAIN_ELEMENTS / d), (r0, r1) -> {
            HostRows.Row row = new HostRows.Row(x);
            for (int r = r0; r < r1; r++) {
                row.load(rows.offset(r), stride, d);
                body.run(row.array, row.index, out, r * d);
            }
        });
        return Tensor.of(out, shape);
    }

    private static int lastDim(Tensor x, String kernel) {
        if (x.rank() == 0) throw new IllegalArgumentException(kernel + ": x must have at least one axis, got a scalar");
        int d = x.dim(-1);
        if (d == 0) throw new IllegalArgumentException(kernel + ": the normalised axis of x " + Shapes.str(x.shape()) + " is empty");
        return d;
    }

    private static Tensor checkVector(Tensor v, int d, String kernel, String name, Tensor x) {
        if (v == null) return null;
        HostRows.requireFloat(v, kernel, name);
        if (v.rank() != 1 || v.dim(0) != d)
            throw new IllegalArgumentException(kernel + ": " + name + " must be [" + d + "] to match the last axis of x "
                    + Shapes.str(x.shape()) + ", got " + Shapes.str(v.shape()));
        return v;
    }

    // ------------------------------------------------------------------ row micro-kernels

    private static float sumSquaredDeviations(float[] a, int ai, int n, float mean) {
        FloatVector vm = FloatVector.broadcast(F, mean), s = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector c = FloatVector.fromArray(F, a, ai + i).sub(vm);
            s = c.fma(c, s);
        }
        float sum = VectorMath.sum(s);
        for (; i < n; i++) {
            float c = a[ai + i] - mean;
            sum += c * c;
        }
        return sum;
    }

    private static float sumSquares(float[] a, int ai, int n) { return sumSquaredDeviations(a, ai, n, 0f); }

    /** {@code o = (a - mean) * rstd * w + b}; w and b may be null. */
    private static void normalize(float[] a, int ai, float mean, float rstd, float[] w, float[] b, float[] o, int oi, int n) {
        FloatVector vm = FloatVector.broadcast(F, mean), vr = FloatVector.broadcast(F, rstd);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector y = FloatVector.fromArray(F, a, ai + i).sub(vm).mul(vr);
            if (w != null) y = y.mul(FloatVector.fromArray(F, w, i));
            if (b != null) y = y.add(FloatVector.fromArray(F, b, i));
            y.intoArray(o, oi + i);
        }
        for (; i < n; i++) {
            float y = (a[ai + i] - mean) * rstd;
            if (w != null) y *= w[i];
            if (b != null) y += b[i];
            o[oi + i] = y;
        }
    }
}

package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * LayerNorm and RMSNorm over the last axis and rotary position embedding, in F32 for inputs and weights
 * of any float dtype and any strides. Weights are widened once per call; rows are the unit of parallel
 * work. {@link NormsReference} is the scalar twin.
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

    /**
     * Rotary embedding in the HF rotate-half layout: dims {@code i} and {@code i + hd/2} of each head rotate
     * by {@code pos * inv_freq[i]}. The cos/sin table is computed once per (batch, position), in F32 exactly
     * as HF does, and shared by all heads.
     */
    static Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) {
        HostRows.requireFloat(x, "rope", "x");
        if (x.rank() != 4) throw new IllegalArgumentException("rope: x must be [B, H, T, head_dim], got " + Shapes.str(x.shape()));
        int bs = x.dim(0), heads = x.dim(1), t = x.dim(2), hd = x.dim(3);
        if (hd % 2 != 0) throw new IllegalArgumentException("rope: head_dim must be even, got " + hd + " in x " + Shapes.str(x.shape()));
        long[] pos = positions(positions, bs, t);
        int half = hd / 2;
        float[] invFreq = inverseFrequencies(theta, hd);
        // table[(b*T + t) * hd + i] = cos, [.. + half + i] = sin (the negative angle for the inverse)
        float[] table = new float[Math.multiplyExact(bs * t, hd)];
        Parallel.forRange(bs * t, Math.max(1, 1024 / hd), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                float position = pos[p];
                for (int i = 0; i < half; i++) {
                    float angle = position * invFreq[i];
                    table[p * hd + i] = (float) Math.cos(angle);
                    float sin = (float) Math.sin(angle);
                    table[p * hd + half + i] = inverse ? -sin : sin;
                }
            }
        });
        int[] shape = x.shape();
        float[] out = HostRows.newOutput(shape, "rope");
        HostRows.RowIndex rows = HostRows.RowIndex.of(x);
        long stride = x.stride(3);
        int rowCount = bs * heads * t;
        Parallel.forRange(rowCount, Math.max(1, GRAIN_ELEMENTS / Math.max(1, hd)), (r0, r1) -> {
            HostRows.Row row = new HostRows.Row(x);
            for (int r = r0; r < r1; r++) {
                row.load(rows.offset(r), stride, hd);
                int p = (r / (heads * t)) * t + r % t;
                rotate(row.array, row.index, table, p * hd, out, r * hd, half);
            }
        });
        return Tensor.of(out, shape);
    }

    /** HF: {@code 1 / theta ** (arange(0, hd, 2).float() / hd)}, each step rounded to F32. */
    static float[] inverseFrequencies(float theta, int hd) {
        float[] inv = new float[hd / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / hd;
            inv[i] = 1f / (float) Math.pow(theta, exponent);
        }
        return inv;
    }

    private static long[] positions(Tensor positions, int bs, int t) {
        if (positions == null) throw new IllegalArgumentException("rope: positions is null");
        if (positions.dtype() != DType.I64 && positions.dtype() != DType.I32)
            throw new IllegalArgumentException("rope: positions must be I64 or I32, got " + positions.dtype());
        int[] s = positions.shape();
        if (s.length != 2 || (s[0] != bs && s[0] != 1) || s[1] != t)
            throw new IllegalArgumentException("rope: positions must be [" + bs + ", " + t + "] (or [1, " + t + "]) for x of batch "
                    + bs + " and length " + t + ", got " + Shapes.str(s));
        return positions.expand(bs, t).toLongArray();
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

    /** {@code [x1, x2] -> [x1 cos - x2 sin, x2 cos + x1 sin]} with cos at {@code t[ti..]} and sin at {@code t[ti+half..]}. */
    private static void rotate(float[] x, int xi, float[] t, int ti, float[] o, int oi, int half) {
        int i = 0;
        for (int bound = F.loopBound(half); i < bound; i += L) {
            FloatVector x1 = FloatVector.fromArray(F, x, xi + i), x2 = FloatVector.fromArray(F, x, xi + half + i);
            FloatVector c = FloatVector.fromArray(F, t, ti + i), s = FloatVector.fromArray(F, t, ti + half + i);
            x1.mul(c).sub(x2.mul(s)).intoArray(o, oi + i);
            x2.mul(c).add(x1.mul(s)).intoArray(o, oi + half + i);
        }
        for (; i < half; i++) {
            float x1 = x[xi + i], x2 = x[xi + half + i], c = t[ti + i], s = t[ti + half + i];
            o[oi + i] = x1 * c - x2 * s;
            o[oi + half + i] = x2 * c + x1 * s;
        }
    }
}

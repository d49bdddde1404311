package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Rotary position embedding on the host, forward and backward (the backward is the inverse rotation), for inputs of
 * any float dtype and any strides. The reference twin is {@link org.efuf4j.tensor.reference.ReferenceBackend ref64} (NormsTest).
 */
final class CpuRope {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int L = F.length();
    private static final int GRAIN_ELEMENTS = 16384;

    private CpuRope() {}

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

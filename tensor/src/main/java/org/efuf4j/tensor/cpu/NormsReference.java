package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.Tensor;

/**
 * The scalar twin of {@link CpuNorms}: row statistics in double, rotary angles rounded to F32 the way
 * Hugging Face computes them. Slow and obviously right; tests only.
 */
final class NormsReference {
    private NormsReference() {}

    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int d = x.dim(-1);
        float[] v = x.toFloatArray();
        float[] w = weight == null ? null : weight.toFloatArray(), b = bias == null ? null : bias.toFloatArray();
        for (int r = 0; r < v.length; r += d) {
            double mean = 0, var = 0;
            for (int i = 0; i < d; i++) mean += v[r + i];
            mean /= d;
            for (int i = 0; i < d; i++) var += (v[r + i] - mean) * (v[r + i] - mean);
            var /= d;
            double rstd = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < d; i++) {
                double y = (v[r + i] - mean) * rstd;
                if (w != null) y *= w[i];
                if (b != null) y += b[i];
                v[r + i] = (float) y;
            }
        }
        return Tensor.of(v, x.shape());
    }

    static Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        int d = x.dim(-1);
        float[] v = x.toFloatArray();
        float[] w = weight == null ? null : weight.toFloatArray();
        for (int r = 0; r < v.length; r += d) {
            double squares = 0;
            for (int i = 0; i < d; i++) squares += (double) v[r + i] * v[r + i];
            double rstd = 1 / Math.sqrt(squares / d + eps);
            for (int i = 0; i < d; i++) v[r + i] = (float) (v[r + i] * rstd * (w == null ? 1 : w[i]));
        }
        return Tensor.of(v, x.shape());
    }

    static Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) {
        int bs = x.dim(0), heads = x.dim(1), t = x.dim(2), hd = x.dim(3), half = hd / 2;
        Tensor pos = positions.expand(bs, t);
        Tensor out = Tensor.zeros(org.efuf4j.tensor.DType.F32, x.shape());
        for (int b = 0; b < bs; b++)
            for (int h = 0; h < heads; h++)
                for (int p = 0; p < t; p++) {
                    float position = pos.getLong(b, p);
                    for (int i = 0; i < half; i++) {
                        float invFreq = 1f / (float) Math.pow(theta, (float) (2 * i) / hd);
                        float angle = position * invFreq;
                        double c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                        if (inverse) s = -s;
                        double x1 = x.getFloat(b, h, p, i), x2 = x.getFloat(b, h, p, i + half);
                        out.setFloat((float) (x1 * c - x2 * s), b, h, p, i);
                        out.setFloat((float) (x2 * c + x1 * s), b, h, p, i + half);
                    }
                }
        return out;
    }
}

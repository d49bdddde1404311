package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;

/**
 * Host backward of LayerNorm and RMSNorm. Row statistics are recomputed (cheaper than storing them);
 * weight/bias gradients are summed per fixed block of rows and the blocks added in order, so results do
 * not depend on the thread count.
 */
final class CpuBackwardNorms {
    private static final int ROW_BLOCKS = 16;

    private CpuBackwardNorms() {}

    /** Per-row kernel: writes dx for row r and adds its contribution to the block's dWeight/dBias partials. */
    @FunctionalInterface
    private interface RowKernel { void row(int r, float[] dWeightPartial, float[] dBiasPartial); }

    private static void overRows(int rows, int cols, float[] dWeight, float[] dBias, RowKernel kernel) {
        int blocks = Math.max(1, Math.min(ROW_BLOCKS, rows));
        float[][] pw = new float[blocks][], pb = new float[blocks][];
        Parallel.forRange(blocks, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                float[] w = dWeight == null ? null : new float[cols], bi = dBias == null ? null : new float[cols];
                int start = (int) ((long) rows * b / blocks), end = (int) ((long) rows * (b + 1) / blocks);
                for (int r = start; r < end; r++) kernel.row(r, w, bi);
                pw[b] = w;
                pb[b] = bi;
            }
        });
        for (int b = 0; b < blocks; b++)
            for (int c = 0; c < cols; c++) {
                if (dWeight != null) dWeight[c] += pw[b][c];
                if (dBias != null) dBias[c] += pb[b][c];
            }
    }

    static Backend.NormGrads layerNormBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy) {
        CpuBackwardArrays.requireShape("layerNormBackward upstream gradient", dy, x.shape());
        int cols = CpuBackwardArrays.lastDim(x);
        float[] xs = floats(x), g = floats(dy), w = weight == null ? null : floats(weight);
        if (w != null && w.length != cols) throw new IllegalArgumentException("layerNorm weight has " + w.length + " elements for rows of " + cols);
        int rows = cols == 0 ? 0 : xs.length / cols;
        float[] dx = new float[xs.length];
        float[] dw = w == null ? null : new float[cols], db = hasBias ? new float[cols] : null;
        overRows(rows, cols, dw, db, (r, pw, pb) -> {
            int o = r * cols;
            double mean = 0;
            for (int c = 0; c < cols; c++) mean += xs[o + c];
            mean /= cols;
            double var = 0;
            for (int c = 0; c < cols; c++) { double d = xs[o + c] - mean; var += d * d; }
            double rstd = 1.0 / Math.sqrt(var / cols + eps);
            double sumG = 0, sumGx = 0;
            for (int c = 0; c < cols; c++) {
                double xhat = (xs[o + c] - mean) * rstd;
                double gh = w == null ? g[o + c] : (double) g[o + c] * w[c];
                sumG += gh;
                sumGx += gh * xhat;
                if (pw != null) pw[c] += (float) (g[o + c] * xhat);
                if (pb != null) pb[c] += g[o + c];
            }
            double mG = sumG / cols, mGx = sumGx / cols;
            for (int c = 0; c < cols; c++) {
                double xhat = (xs[o + c] - mean) * rstd;
                double gh = w == null ? g[o + c] : (double) g[o + c] * w[c];
                dx[o + c] = (float) (rstd * (gh - mG - xhat * mGx));
            }
        });
        int[] wShape = {cols};
        return new Backend.NormGrads(CpuBackwardArrays.tensor(dx, x.shape()),
                dw == null ? null : CpuBackwardArrays.tensor(dw, wShape), db == null ? null : CpuBackwardArrays.tensor(db, wShape));
    }

    static Backend.NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        CpuBackwardArrays.requireShape("rmsNormBackward upstream gradient", dy, x.shape());
        int cols = CpuBackwardArrays.lastDim(x);
        float[] xs = floats(x), g = floats(dy), w = weight == null ? null : floats(weight);
        if (w != null && w.length != cols) throw new IllegalArgumentException("rmsNorm weight has " + w.length + " elements for rows of " + cols);
        int rows = cols == 0 ? 0 : xs.length / cols;
        float[] dx = new float[xs.length];
        float[] dw = w == null ? null : new float[cols];
        overRows(rows, cols, dw, null, (r, pw, pb) -> {
            int o = r * cols;
            double ms = 0;
            for (int c = 0; c < cols; c++) ms += (double) xs[o + c] * xs[o + c];
            double rstd = 1.0 / Math.sqrt(ms / cols + eps);
            double sumGx = 0;
            for (int c = 0; c < cols; c++) {
                double xhat = xs[o + c] * rstd;
                double gh = w == null ? g[o + c] : (double) g[o + c] * w[c];
                sumGx += gh * xhat;
                if (pw != null) pw[c] += (float) (g[o + c] * xhat);
            }
            double mGx = sumGx / cols;
            for (int c = 0; c < cols; c++) {
                double xhat = xs[o + c] * rstd;
                double gh = w == null ? g[o + c] : (double) g[o + c] * w[c];
                dx[o + c] = (float) (rstd * (gh - xhat * mGx));
            }
        });
        return new Backend.NormGrads(CpuBackwardArrays.tensor(dx, x.shape()), dw == null ? null : CpuBackwardArrays.tensor(dw, cols), null);
    }
}

package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;
import static org.efuf4j.tensor.cpu.Species.F;
import static org.efuf4j.tensor.cpu.Species.LANES;

import jdk.incubator.vector.FloatVector;

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
        return normBackward("layerNorm", x, weight, hasBias, eps, dy, true);
    }

    static Backend.NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        return normBackward("rmsNorm", x, weight, false, eps, dy, false);
    }

    /**
     * Both norms at once ({@code centered}: LayerNorm, else RMSNorm, whose "mean" is zero). A row is short and sits in
     * L1, so it is read in three vector passes: statistics, the two gradient sums (and the weight/bias partials),
     * then dx. Sums run in F32 lanes, as PyTorch's kernels do; {@link org.efuf4j.tensor.reference.ReferenceBackend}
     * is the double-precision twin.
     */
    private static Backend.NormGrads normBackward(String name, Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy, boolean centered) {
        CpuBackwardArrays.requireShape(name + "Backward upstream gradient", dy, x.shape());
        int cols = CpuBackwardArrays.lastDim(x);
        float[] xs = floats(x), g = floats(dy), w = weight == null ? null : floats(weight);
        if (w != null && w.length != cols) throw new IllegalArgumentException(name + " weight has " + w.length + " elements for rows of " + cols);
        int rows = cols == 0 ? 0 : xs.length / cols;
        float[] dx = new float[xs.length];
        float[] dw = w == null ? null : new float[cols], db = hasBias ? new float[cols] : null;
        overRows(rows, cols, dw, db, (r, pw, pb) -> normRow(xs, g, w, dx, r * cols, cols, eps, centered, pw, pb));
        int[] wShape = {cols};
        return new Backend.NormGrads(CpuBackwardArrays.tensor(dx, x.shape()),
                dw == null ? null : CpuBackwardArrays.tensor(dw, wShape), db == null ? null : CpuBackwardArrays.tensor(db, wShape));
    }

    /**
     * One row at {@code o}: {@code dx = rstd (g w - mean(g w) - xhat mean(g w xhat))} (no first mean for RMSNorm), and
     * {@code g xhat}, {@code g} added to the weight and bias partials.
     */
    private static void normRow(float[] xs, float[] g, float[] w, float[] dx, int o, int cols, float eps, boolean centered, float[] pw, float[] pb) {
        int vec = F.loopBound(cols);
        float mean = 0;
        if (centered) {
            FloatVector acc = FloatVector.zero(F);
            for (int c = 0; c < vec; c += LANES) acc = acc.add(FloatVector.fromArray(F, xs, o + c));
            float sum = VectorMath.sum(acc);
            for (int c = vec; c < cols; c++) sum += xs[o + c];
            mean = sum / cols;
        }
        FloatVector meanV = FloatVector.broadcast(F, mean);
        FloatVector sq = FloatVector.zero(F);
        for (int c = 0; c < vec; c += LANES) {
            FloatVector d = FloatVector.fromArray(F, xs, o + c).sub(meanV);
            sq = d.fma(d, sq);
        }
        float ss = VectorMath.sum(sq);
        for (int c = vec; c < cols; c++) { float d = xs[o + c] - mean; ss += d * d; }
        float rstd = (float) (1.0 / Math.sqrt((double) ss / cols + eps));
        FloatVector rstdV = FloatVector.broadcast(F, rstd);
        FloatVector sgV = FloatVector.zero(F), sgxV = FloatVector.zero(F);
        for (int c = 0; c < vec; c += LANES) {
            FloatVector gv = FloatVector.fromArray(F, g, o + c);
            FloatVector xhat = FloatVector.fromArray(F, xs, o + c).sub(meanV).mul(rstdV);
            FloatVector gh = w == null ? gv : gv.mul(FloatVector.fromArray(F, w, c));
            sgV = sgV.add(gh);
            sgxV = gh.fma(xhat, sgxV);
            if (pw != null) gv.fma(xhat, FloatVector.fromArray(F, pw, c)).intoArray(pw, c);
            if (pb != null) gv.add(FloatVector.fromArray(F, pb, c)).intoArray(pb, c);
        }
        float sg = VectorMath.sum(sgV), sgx = VectorMath.sum(sgxV);
        for (int c = vec; c < cols; c++) {
            float xhat = (xs[o + c] - mean) * rstd, gh = w == null ? g[o + c] : g[o + c] * w[c];
            sg += gh;
            sgx += gh * xhat;
            if (pw != null) pw[c] += g[o + c] * xhat;
            if (pb != null) pb[c] += g[o + c];
        }
        float mg = centered ? sg / cols : 0f, mgx = sgx / cols;
        FloatVector mgV = FloatVector.broadcast(F, mg), mgxV = FloatVector.broadcast(F, mgx);
        for (int c = 0; c < vec; c += LANES) {
            FloatVector gv = FloatVector.fromArray(F, g, o + c);
            FloatVector xhat = FloatVector.fromArray(F, xs, o + c).sub(meanV).mul(rstdV);
            FloatVector gh = w == null ? gv : gv.mul(FloatVector.fromArray(F, w, c));
            gh.sub(mgV).sub(xhat.mul(mgxV)).mul(rstdV).intoArray(dx, o + c);
        }
        for (int c = vec; c < cols; c++) {
            float xhat = (xs[o + c] - mean) * rstd, gh = w == null ? g[o + c] : g[o + c] * w[c];
            dx[o + c] = rstd * (gh - mg - xhat * mgx);
        }
    }
}

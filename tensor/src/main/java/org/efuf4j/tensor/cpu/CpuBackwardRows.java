package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Host backward kernels over rows of the last axis: softmax, log-softmax and fused softmax cross-entropy. */
final class CpuBackwardRows {
    private CpuBackwardRows() {}

    static Tensor softmaxBackward(Tensor y, Tensor dy) {
        CpuBackwardArrays.requireShape("softmaxBackward upstream gradient", dy, y.shape());
        float[] p = floats(y), g = floats(dy);
        int cols = CpuBackwardArrays.lastDim(y), rows = cols == 0 ? 0 : p.length / cols;
        float[] out = new float[p.length];
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                double dot = 0;
                for (int c = 0; c < cols; c++) dot += (double) g[o + c] * p[o + c];
                for (int c = 0; c < cols; c++) out[o + c] = (float) (p[o + c] * (g[o + c] - dot));
            }
        });
        return CpuBackwardArrays.tensor(out, y.shape());
    }

    static Tensor logSoftmaxBackward(Tensor y, Tensor dy) {
        CpuBackwardArrays.requireShape("logSoftmaxBackward upstream gradient", dy, y.shape());
        float[] ly = floats(y), g = floats(dy);
        int cols = CpuBackwardArrays.lastDim(y), rows = cols == 0 ? 0 : ly.length / cols;
        float[] out = new float[ly.length];
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                double sum = 0;
                for (int c = 0; c < cols; c++) sum += g[o + c];
                for (int c = 0; c < cols; c++) out[o + c] = (float) (g[o + c] - Math.exp(ly[o + c]) * sum);
            }
        });
        return CpuBackwardArrays.tensor(out, y.shape());
    }

    private static long[] checkTargets(Tensor logits, Tensor targets) {
        if (logits.rank() != 2) throw new IllegalArgumentException("cross-entropy logits must be [N, V], got " + Shapes.str(logits.shape()));
        long[] t = CpuBackwardArrays.ids(targets, "cross-entropy targets");
        if (t.length != logits.dim(0))
            throw new IllegalArgumentException("cross-entropy targets hold " + t.length + " labels for " + logits.dim(0) + " logit rows");
        int vocab = logits.dim(1);
        for (long id : t)
            if (id != Backend.IGNORE_INDEX && (id < 0 || id >= vocab))
                throw new IndexOutOfBoundsException("cross-entropy target " + id + " outside [0, " + vocab + ") and not the ignore label " + Backend.IGNORE_INDEX);
        return t;
    }

    /** log(sum(exp(row))) computed around the row maximum, in double. */
    private static double logSumExp(float[] x, int o, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
        double s = 0;
        for (int c = 0; c < cols; c++) s += Math.exp(x[o + c] - max);
        return max + Math.log(s);
    }

    static Backend.CrossEntropy crossEntropy(Tensor logits, Tensor targets) {
        long[] t = checkTargets(logits, targets);
        float[] x = floats(logits);
        int rows = logits.dim(0), cols = logits.dim(1);
        float[] loss = new float[rows], valid = new float[rows];
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (t[r] == Backend.IGNORE_INDEX) continue;
                int o = r * cols;
                loss[r] = (float) (logSumExp(x, o, cols) - x[o + (int) t[r]]);
                valid[r] = 1f;
            }
        });
        return new Backend.CrossEntropy(CpuBackwardArrays.tensor(loss, rows), CpuBackwardArrays.tensor(valid, rows));
    }

    static Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor dLoss) {
        long[] t = checkTargets(logits, targets);
        int rows = logits.dim(0), cols = logits.dim(1);
        CpuBackwardArrays.requireShape("crossEntropyBackward upstream gradient", dLoss, new int[] {rows});
        float[] x = floats(logits), g = floats(dLoss);
        float[] out = new float[x.length];
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (t[r] == Backend.IGNORE_INDEX) continue;
                int o = r * cols;
                double lse = logSumExp(x, o, cols);
                for (int c = 0; c < cols; c++) out[o + c] = (float) (Math.exp(x[o + c] - lse) * g[r]);
                out[o + (int) t[r]] -= g[r];
            }
        });
        return CpuBackwardArrays.tensor(out, rows, cols);
    }
}

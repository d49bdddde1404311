package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;

/** Host backward kernels over rows of the last axis: softmax and log-softmax (cross-entropy: {@link CpuCrossEntropy}). */
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
}

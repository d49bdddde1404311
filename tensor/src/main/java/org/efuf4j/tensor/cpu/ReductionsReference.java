package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * The scalar twin of {@link CpuReductions}: one output at a time, reading x by multi-index, sums in double.
 * Slow and obviously right; tests only.
 */
final class ReductionsReference {
    private ReductionsReference() {}

    static Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) {
        int a = Shapes.axis(axis, x.rank());
        int[] keep = x.shape();
        int n = keep[a];
        keep[a] = 1;
        float[] out = new float[Math.toIntExact(Shapes.numel(keep))];
        long[] idx = new long[keep.length];
        for (int o = 0; o < out.length; o++, ElementwiseReference.next(idx, keep)) {
            long[] at = idx.clone();
            double acc = switch (op) {
                case SUM, MEAN -> 0;
                case MAX -> Double.NEGATIVE_INFINITY;
                case MIN -> Double.POSITIVE_INFINITY;
            };
            for (int k = 0; k < n; k++) {
                at[a] = k;
                float v = x.getFloat(at);
                acc = switch (op) {
                    case SUM, MEAN -> acc + v;
                    case MAX -> Math.max(acc, v);
                    case MIN -> Math.min(acc, v);
                };
            }
            out[o] = (float) (op == ReduceOp.MEAN ? acc / n : acc);
        }
        return Tensor.of(out, keepDim ? keep : CpuReductions.dropAxis(keep, a));
    }

    static Tensor argmax(Tensor x, int axis) {
        int a = Shapes.axis(axis, x.rank());
        int[] keep = x.shape();
        int n = keep[a];
        keep[a] = 1;
        long[] out = new long[Math.toIntExact(Shapes.numel(keep))];
        long[] idx = new long[keep.length];
        for (int o = 0; o < out.length; o++, ElementwiseReference.next(idx, keep)) {
            long[] at = idx.clone();
            int best = 0;
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                at[a] = k;
                float v = x.getFloat(at);
                if (Float.isNaN(v)) { best = k; break; }
                if (k == 0 || v > bestValue) { best = k; bestValue = v; }
            }
            out[o] = best;
        }
        return Tensor.ofLongs(out, CpuReductions.dropAxis(keep, a));
    }

    static Tensor softmax(Tensor x) { return softmax(x, false); }

    static Tensor logSoftmax(Tensor x) { return softmax(x, true); }

    private static Tensor softmax(Tensor x, boolean log) {
        int n = x.dim(-1);
        float[] v = x.toFloatArray();
        for (int r = 0; r < v.length; r += n) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = r; i < r + n; i++) max = Math.max(max, v[i]);
            if (max == Double.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(v, r, r + n, log ? Float.NEGATIVE_INFINITY : 0f);
                continue;
            }
            double sum = 0;
            for (int i = r; i < r + n; i++) sum += Math.exp(v[i] - max);
            for (int i = r; i < r + n; i++) v[i] = (float) (log ? v[i] - max - Math.log(sum) : Math.exp(v[i] - max) / sum);
        }
        return Tensor.of(v, x.shape());
    }
}

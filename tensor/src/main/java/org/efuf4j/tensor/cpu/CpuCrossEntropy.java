package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Fused softmax cross-entropy over rows of logits on the host, forward (loss per row) and backward side by side. */
final class CpuCrossEntropy {
    private static final VectorSpecies<Float> S = Species.F;

    private CpuCrossEntropy() {}

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

    /** The largest element of {@code x[o .. o + cols)}. */
    private static float rowMax(float[] x, int o, int cols) {
        int c = 0;
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int bound = S.loopBound(cols); c < bound; c += S.length()) maxV = maxV.max(FloatVector.fromArray(S, x, o + c));
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; c < cols; c++) max = Math.max(max, x[o + c]);
        return max;
    }

    /**
     * {@code log(sum(exp(x - max)))} over a row, {@code max} its maximum: the exponentials in F32 vector lanes
     * (each within a few ulp, all in (0, 1]), the lane sums and the log in double.
     */
    private static double logSumExpAbove(float[] x, int o, int cols, float max) {
        int c = 0;
        FloatVector sumV = FloatVector.zero(S);
        for (int bound = S.loopBound(cols); c < bound; c += S.length())
            sumV = sumV.add(VectorMath.exp(FloatVector.fromArray(S, x, o + c).sub(max)));
        double s = 0;
        for (int lane = 0; lane < S.length(); lane++) s += sumV.lane(lane);
        for (; c < cols; c++) s += Math.exp(x[o + c] - max);
        return Math.log(s);
    }

    /**
     * {@code out[o + c] = g softmax(row)[c] = g exp((x - max) - logSum)}: shifting by the small {@code logSum}
     * rather than the whole log-sum-exp keeps the F32 argument exact to rounding whatever the logits' scale.
     */
    private static void scaledSoftmaxRow(float[] x, int o, int cols, float max, double logSum, float g, float[] out) {
        int c = 0;
        float ls = (float) logSum;
        for (int bound = S.loopBound(cols); c < bound; c += S.length())
            VectorMath.exp(FloatVector.fromArray(S, x, o + c).sub(max).sub(ls)).mul(g).intoArray(out, o + c);
        for (; c < cols; c++) out[o + c] = (float) (Math.exp((double) (x[o + c] - max) - logSum) * g);
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
                float max = rowMax(x, o, cols);
                loss[r] = (float) (max + logSumExpAbove(x, o, cols, max) - x[o + (int) t[r]]);
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
                float max = rowMax(x, o, cols);
                scaledSoftmaxRow(x, o, cols, max, logSumExpAbove(x, o, cols, max), g[r], out);
                out[o + (int) t[r]] -= g[r];
            }
        });
        return CpuBackwardArrays.tensor(out, rows, cols);
    }
}

package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Widen.F;
import static org.efuf4j.tensor.cpu.Widen.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.efuf4j.tensor.Parallel;

/**
 * {@code C += A B} for a few rows of A against a B whose columns are contiguous, i.e. activations times a
 * weight stored {@code [out, in]} (decoding one token). The weight is streamed from memory exactly once: each
 * group of 4 weight rows is widened chunk by chunk into an L1-resident scratch and dotted with every row of
 * A while it is there, so the kernel is bound by memory bandwidth, not by packing.
 */
final class Gemv {
    /** Largest M handled here; above it the packed GEMM reuses B well enough. */
    static final int MAX_ROWS = 4;
    private static final int GROUP = 4;
    private static final int CHUNK = 1024;

    private Gemv() {}

    static boolean applies(GemmOperand a, GemmOperand b) {
        return a.rows() <= MAX_ROWS && b.colsContiguous() && b.rows() > 0;
    }

    /** {@code c[cOffset + i * ldc + j] += sum_k a(i, k) * b(k, j)}. */
    static void multiply(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc, boolean parallel) {
        Gemm.checkShapes(a, b, c, cOffset, ldc);
        int m = a.rows(), k = a.cols(), n = b.cols();
        if (m == 0 || n == 0 || k == 0) return;
        float[] x = new float[m * k];
        for (int i = 0; i < m; i++) {
            if (a.rowsContiguous()) Widen.run(a.segment(), a.dtype(), a.index(i, 0), x, i * k, k);
            else for (int p = 0; p < k; p++) x[i * k + p] = a.get(i, p);
        }
        int groups = Gemm.ceilDiv(n, GROUP);
        Parallel.RangeBody body = (g0, g1) -> {
            float[] scratch = new float[GROUP * Math.min(CHUNK, k)];
            float[] sums = new float[GROUP];
            for (int g = g0; g < g1; g++) group(b, g * GROUP, Math.min(GROUP, n - g * GROUP), x, m, k, scratch, sums, c, cOffset, ldc);
        };
        // At least ~256 KiB of weight per piece keeps the fork-join overhead small against the streaming time.
        int grain = Math.max(1, (1 << 18) / Math.max(1, k * b.dtype().byteSize() * GROUP));
        if (parallel) Parallel.forRange(groups, grain, body);
        else body.run(0, groups);
    }

    private static void group(GemmOperand b, int j0, int cols, float[] x, int m, int k, float[] scratch, float[] sums, float[] c, int cOffset, int ldc) {
        for (int k0 = 0; k0 < k; k0 += CHUNK) {
            int len = Math.min(CHUNK, k - k0);
            for (int r = 0; r < GROUP; r++) {
                // Short groups repeat their first column; those sums are not stored.
                int col = j0 + (r < cols ? r : 0);
                Widen.run(b.segment(), b.dtype(), b.index(k0, col), scratch, r * len, len);
            }
            for (int i = 0; i < m; i++) {
                dot4(x, i * k + k0, scratch, len, sums);
                int co = cOffset + i * ldc + j0;
                for (int r = 0; r < cols; r++) c[co + r] += sums[r];
            }
        }
    }

    /** {@code sums[r] = x[xo .. xo+len) . w[r*len .. (r+1)*len)} for the four rows of {@code w}. */
    private static void dot4(float[] x, int xo, float[] w, int len, float[] sums) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        int w1 = len, w2 = 2 * len, w3 = 3 * len;
        int p = 0;
        for (; p + LANES <= len; p += LANES) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + p);
            s0 = FloatVector.fromArray(F, w, p).fma(xv, s0);
            s1 = FloatVector.fromArray(F, w, w1 + p).fma(xv, s1);
            s2 = FloatVector.fromArray(F, w, w2 + p).fma(xv, s2);
            s3 = FloatVector.fromArray(F, w, w3 + p).fma(xv, s3);
        }
        float t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
        float t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < len; p++) {
            float xv = x[xo + p];
            t0 += xv * w[p];
            t1 += xv * w[w1 + p];
            t2 += xv * w[w2 + p];
            t3 += xv * w[w3 + p];
        }
        sums[0] = t0;
        sums[1] = t1;
        sums[2] = t2;
        sums[3] = t3;
    }
}

package org.efuf4j.tensor.cpu;

/**
 * The obviously-correct twin of {@link Gemm} and {@link Gemv}: {@code C += A B} by three plain loops,
 * reading every element through {@link GemmOperand#get} and summing in double, so tests can bound the
 * fast kernels' float rounding against a nearly exact result.
 */
final class GemmReference {
    private GemmReference() {}

    /** {@code c[cOffset + i * ldc + j] += sum_k a(i, k) * b(k, j)}. */
    static void multiply(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc) {
        Gemm.checkShapes(a, b, c, cOffset, ldc);
        int m = a.rows(), k = a.cols(), n = b.cols();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += (double) a.get(i, p) * b.get(p, j);
                c[cOffset + i * ldc + j] += (float) sum;
            }
        }
    }
}

package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.Bursts;

/**
 * F32 GEMM bursts for {@code scripts/bench/gemm_interleaved.py} ({@link Bursts} protocol; the workload words are
 * {@code m k n fresh|existing [rows|weight]}: an {@code [m, k] x [k, n]} product, B row-major or the transpose of a
 * row-major {@code [n, k]} weight). {@code fresh} is the backend's matmul, which
 * allocates its output as NumPy's {@code a @ b} does; {@code existing} runs the packed GEMM (or, for a few rows against a weight, the matrix-vector kernel) into one output array
 * kept from call to call (overwriting it, whatever the shape), as BLAS sgemm and NumPy's {@code matmul(a, b, out=c)} do. Usage: {@code java ... GemmBursts <threads>}.
 */
public final class GemmBursts {
    private GemmBursts() {}

    public static void main(String[] args) throws Exception {
        Parallel.setThreads(args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors());
        Bursts.serve(words -> {
            int m = Integer.parseInt(words.get(0)), k = Integer.parseInt(words.get(1)), n = Integer.parseInt(words.get(2));
            String output = words.size() > 3 ? words.get(3) : "fresh";
            String layout = words.size() > 4 ? words.get(4) : "rows";
            Tensor a = BenchData.random(DType.F32, 1, m, k);
            Tensor b = switch (layout) {
                case "rows" -> BenchData.random(DType.F32, 2, k, n);
                // a linear layer's weight [n, k] seen as its transpose, the layout decoding multiplies by
                case "weight" -> BenchData.random(DType.F32, 2, n, k).transpose(0, 1);
                default -> throw new IllegalArgumentException("layout is rows or weight, got '" + layout + "'");
            };
            return switch (output) {
                case "fresh" -> () -> CpuBackend.INSTANCE.matmul(a, b);
                case "existing" -> intoKeptOutput(a, b);
                default -> throw new IllegalArgumentException("output is fresh or existing, got '" + output + "'");
            };
        });
    }

    /**
     * {@code a @ b} (2-D F32) into one output array kept from call to call, as BLAS sgemm works: by the packed GEMM, or
     * by the matrix-vector kernel where the backend would use it (a few rows against a weight), which adds onto its
     * output and so starts from a cleared one.
     */
    static Runnable intoKeptOutput(Tensor a, Tensor b) {
        int n = b.shape()[1];
        float[] c = new float[a.shape()[0] * n];
        GemmOperand ga = CpuMatmul.operand(a, a.offset()), gb = CpuMatmul.operand(b, b.offset());
        if (Gemv.applies(ga, gb)) return () -> {
            java.util.Arrays.fill(c, 0f);
            Gemv.multiply(ga, gb, c, 0, n, true);
        };
        return () -> Gemm.product(ga, gb, null, c, 0, n, true);
    }
}

package org.efuf4j.tensor.cpu;

import java.util.Arrays;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.MatmulContract;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Tensor-level matrix products on the host: shapes, NumPy batch broadcasting and dtype rules, then each
 * matrix product goes to {@link Gemv} (a few rows against a weight stored {@code [out, in]}) or {@link Gemm}.
 * Operands are described by their strides ({@link GemmOperand}), so transposed and sliced views are read
 * in place; BF16/F16 B operands and weights are widened inside the kernels.
 */
final class CpuMatmul {
    /** Batch items smaller than this (multiply-adds) run one per worker instead of each being split. */
    private static final long SMALL_ITEM_MACS = 1L << 21;

    private CpuMatmul() {}

    static Tensor matmul(Tensor a, Tensor b) { return MatmulContract.apply(a, b, CpuMatmul::matrices); }

    /** Operands of rank >= 2 with equal inner dimensions ({@link MatmulContract}). */
    private static Tensor matrices(Tensor a, Tensor b) {
        Tensor a2 = toF32(a);
        Tensor b2 = toKernelType(b);
        int m = a2.dim(-2), k = a2.dim(-1), n = b2.dim(-1);
        int[] aBatch = Arrays.copyOf(a2.shape(), a2.rank() - 2), bBatch = Arrays.copyOf(b2.shape(), b2.rank() - 2);
        int[] batch = Shapes.broadcast(aBatch, bBatch);
        long items = Shapes.numel(batch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        float[] c = new float[outputSize(outShape, () -> "matmul of a " + Shapes.str(a.shape()) + " and b " + Shapes.str(b.shape()))];

        if (c.length == 0 || k == 0) return Tensor.of(c, outShape);
        long foldedRowStride = Shapes.numel(bBatch) == 1 ? mergedStride(a2, 0, a2.rank() - 1) : NOT_MERGEABLE;
        if (foldedRowStride != NOT_MERGEABLE) {
            // One weight for every batch item: stack all rows of a into one tall GEMM so B is packed once.
            GemmOperand aRows = new GemmOperand(a2.hostSegment(), DType.F32, a2.offset(), foldedRowStride, a2.stride(-1), (int) (items * m), k);
            product(aRows, operand(b2, b2.offset()), c, 0, n, true);
        } else {
            long[] aOff = batchOffsets(a2, batch), bOff = batchOffsets(b2, batch);
            int itemSize = m * n;
            boolean splitItems = items >= Parallel.threads() && (long) m * n * k < SMALL_ITEM_MACS;
            Parallel.RangeBody body = (t0, t1) -> {
                for (int t = t0; t < t1; t++)
                    product(operand(a2, aOff[t]), operand(b2, bOff[t]), c, t * itemSize, n, !splitItems);
            };
            if (splitItems) Parallel.forRange((int) items, 1, body);
            else body.run(0, (int) items);
        }
        return Tensor.of(c, outShape);
    }

    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2) throw new IllegalArgumentException("linear weight must be [out, in], got " + Shapes.str(weight.shape()));
        int out = weight.dim(0), in = weight.dim(1);
        if (x.rank() == 0 || x.dim(-1) != in)
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape()) + " must end in in_features=" + in + " of weight " + Shapes.str(weight.shape()));
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out))
            throw new IllegalArgumentException("linear bias must be [" + out + "], got " + Shapes.str(bias.shape()));
        Tensor x2 = toF32(x);
        long rowStride = mergedStride(x2, 0, x2.rank() - 1);
        if (rowStride == NOT_MERGEABLE) {
            x2 = x2.contiguous(); // last resort: the leading dims of this view cannot be read as one row index
            rowStride = in;
        }
        int rows = (int) Shapes.numel(Arrays.copyOf(x.shape(), x.rank() - 1));
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = out;
        float[] c = new float[outputSize(outShape, () -> "linear of " + Shapes.str(x.shape()) + " by weight " + Shapes.str(weight.shape()))];
        float[] bv = bias == null ? null : bias.toFloatArray();
        Tensor w = toKernelType(weight);
        GemmOperand xRows = new GemmOperand(x2.hostSegment(), DType.F32, x2.offset(), rowStride, x2.stride(-1), rows, in);
        // x W^T: B(k, j) = W(j, k), i.e. the weight read with its strides swapped.
        GemmOperand wT = new GemmOperand(w.hostSegment(), w.dtype(), w.offset(), w.stride(1), w.stride(0), in, out);
        if (rows > 0 && in > 0 && Gemv.applies(xRows, wT)) {
            if (bv != null) for (int r = 0; r < rows; r++) System.arraycopy(bv, 0, c, r * out, out);
            Gemv.multiply(xRows, wT, c, 0, out, true);
        } else if (rows > 0) {
            Gemm.product(xRows, wT, bv, c, 0, out, true);
        }
        return Tensor.of(c, outShape);
    }

    /** One matrix product into a fresh (zero) output: the matrix-vector kernel, or the packed GEMM told C starts at zero. */
    static void product(GemmOperand a, GemmOperand b, float[] c, int cOffset, int ldc, boolean parallel) {
        if (Gemv.applies(a, b)) Gemv.multiply(a, b, c, cOffset, ldc, parallel);
        else Gemm.product(a, b, null, c, cOffset, ldc, parallel);
    }

    // ---------------------------------------------------------------- helpers

    private static final long NOT_MERGEABLE = Long.MIN_VALUE;

    /**
     * The single stride with which dims {@code [from, to)} of {@code t} can be walked as one flat index, or
     * {@link #NOT_MERGEABLE}. Size-1 dims do not constrain; a view with all dims of size 1 walks with stride 0.
     */
    private static long mergedStride(Tensor t, int from, int to) {
        int[] shape = t.shape();
        long[] strides = t.strides();
        long stride = 0, expected = -1;
        boolean any = false;
        for (int d = to - 1; d >= from; d--) {
            if (shape[d] == 1) continue;
            if (!any) {
                stride = strides[d];
                expected = strides[d] * shape[d];
                any = true;
            } else {
                if (strides[d] != expected) return NOT_MERGEABLE;
                expected *= shape[d];
            }
        }
        return stride;
    }

    /** Element offsets of each batch item of {@code t} (whose batch dims broadcast to {@code batch}). */
    private static long[] batchOffsets(Tensor t, int[] batch) {
        int lead = batch.length - (t.rank() - 2);
        int[] shape = t.shape();
        long[] strides = t.strides();
        long[] out = new long[(int) Shapes.numel(batch)];
        int[] idx = new int[batch.length];
        for (int item = 0; item < out.length; item++) {
            long off = t.offset();
            for (int d = lead; d < batch.length; d++) if (shape[d - lead] != 1) off += idx[d] * strides[d - lead];
            out[item] = off;
            for (int d = batch.length - 1; d >= 0; d--) { if (++idx[d] < batch[d]) break; idx[d] = 0; }
        }
        return out;
    }

    /** The last two dims of {@code t}, from element {@code offset}, as a GEMM operand with the tensor's own strides. */
    static GemmOperand operand(Tensor t, long offset) {
        return new GemmOperand(t.hostSegment(), t.dtype(), offset, t.stride(-2), t.stride(-1), t.dim(-2), t.dim(-1));
    }

    private static Tensor toF32(Tensor t) { return t.dtype() == DType.F32 ? t : t.to(DType.F32); }

    /** B operands and weights stay F32, BF16 or F16 (widened in the kernels); anything else becomes F32. */
    private static Tensor toKernelType(Tensor t) { return t.dtype() == DType.F32 || t.dtype().isHalf() ? t : t.to(DType.F32); }

    /** The product's element count; {@code what} names it in the error only (built eagerly it was 1.5% of a train step). */
    private static int outputSize(int[] shape, java.util.function.Supplier<String> what) {
        long size = Shapes.numel(shape);
        if (size > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException(what.get() + " would have " + size + " elements " + Shapes.str(shape) + "; the host kernels produce at most 2^31 - 17");
        return (int) size;
    }
}

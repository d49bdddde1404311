package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;

/**
 * One matrix operand of a GEMM as it lies in memory: element {@code (r, c)} is at element index
 * {@code offset + r * rowStride + c * colStride} of {@code segment}, stored as {@code dtype} (F32, BF16 or F16).
 * Transposed and strided views are just other strides, so the kernels never need a contiguous copy.
 */
record GemmOperand(MemorySegment segment, DType dtype, long offset, long rowStride, long colStride, int rows, int cols) {

    GemmOperand {
        if (dtype != DType.F32 && !dtype.isHalf())
            throw new IllegalArgumentException("GEMM operands are F32, BF16 or F16, got " + dtype);
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative GEMM operand size " + rows + "x" + cols);
    }

    /** Row {@code r} is contiguous: consecutive columns are adjacent elements. */
    boolean rowsContiguous() { return colStride == 1 || cols <= 1; }

    /** Column {@code c} is contiguous: consecutive rows are adjacent elements. */
    boolean colsContiguous() { return rowStride == 1 || rows <= 1; }

    long index(int r, int c) { return offset + r * rowStride + c * colStride; }

    /** The float[] behind an F32 heap operand (activations), for kernels that read it directly; null otherwise. */
    float[] heapFloats() {
        return dtype == DType.F32 && segment.heapBase().orElse(null) instanceof float[] array ? array : null;
    }

    /** Index in {@link #heapFloats()} of element {@code (r, c)} (a heap segment's address is its byte offset in the array). */
    int arrayIndex(int r, int c) { return (int) (segment.address() / 4 + index(r, c)); }

    /** Element {@code (r, c)} widened to float (the slow path used by references and edges). */
    float get(int r, int c) { return HostAccess.readFloat(segment, dtype, index(r, c)); }

    /** The same elements seen as the transposed matrix. */
    GemmOperand transposed() { return new GemmOperand(segment, dtype, offset, colStride, rowStride, cols, rows); }

    /** Rows {@code [r0, r0 + n)}. */
    GemmOperand rowRange(int r0, int n) { return new GemmOperand(segment, dtype, offset + r0 * rowStride, rowStride, colStride, n, cols); }

    /** Columns {@code [c0, c0 + n)}. */
    GemmOperand colRange(int c0, int n) { return new GemmOperand(segment, dtype, offset + c0 * colStride, rowStride, colStride, rows, n); }
}

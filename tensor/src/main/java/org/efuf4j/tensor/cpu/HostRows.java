package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * The front end shared by the elementwise, reduction and norm kernels: rows of any host tensor (any float
 * dtype, any strides) presented as a stretch of a {@code float[]}, so the Vector API loops only ever read
 * arrays. Contiguous F32 rows of heap tensors are read in place; everything else (BF16/F16 weights,
 * mapped segments, strided or broadcast views) is widened into a per-task scratch buffer first.
 */
final class HostRows {
    private HostRows() {}

    /** Fails with a message naming the kernel and argument unless {@code t} is a host float tensor. */
    static void requireFloat(Tensor t, String kernel, String argument) {
        if (t == null) throw new IllegalArgumentException(kernel + ": " + argument + " is null");
        if (!t.dtype().isFloating())
            throw new IllegalArgumentException(kernel + ": " + argument + " must be a float tensor, got " + t.dtype() + " " + Shapes.str(t.shape()));
        if (!t.device().isCpu())
            throw new IllegalArgumentException(kernel + ": " + argument + " lives on " + t.device() + ", expected the host");
    }

    /** A fresh zeroed F32 buffer for an output of {@code shape}; results are wrapped with {@link Tensor#of}. */
    static float[] newOutput(int[] shape, String kernel) {
        long n = Shapes.numel(shape);
        if (n > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException(kernel + ": output " + Shapes.str(shape) + " has " + n + " elements, more than one Java array holds");
        return new float[(int) n];
    }

    /** The {@code float[]} behind an F32 heap tensor, or null when its storage is anything else. */
    static float[] heapFloats(Tensor t) {
        if (t.dtype() != DType.F32) return null;
        return t.hostSegment().heapBase().orElse(null) instanceof float[] a ? a : null;
    }

    /** Widens {@code n} elements at element index {@code e}, step {@code stride}, into {@code dst[off..]}. */
    static void gather(MemorySegment seg, DType dtype, long e, long stride, float[] dst, int off, int n) {
        switch (dtype) {
            case F32 -> {
                if (stride == 1) MemorySegment.copy(seg, HostAccess.F32, e * 4, dst, off, n);
                else for (int i = 0; i < n; i++) dst[off + i] = seg.get(HostAccess.F32, (e + i * stride) * 4);
            }
            case BF16 -> { for (int i = 0; i < n; i++) dst[off + i] = HostAccess.bf16ToFloat(seg.get(HostAccess.I16, (e + i * stride) * 2)); }
            case F16 -> { for (int i = 0; i < n; i++) dst[off + i] = Float.float16ToFloat(seg.get(HostAccess.I16, (e + i * stride) * 2)); }
            default -> { for (int i = 0; i < n; i++) dst[off + i] = HostAccess.readFloat(seg, dtype, e + i * stride); }
        }
    }

    /** All elements of a small tensor (a norm weight, a bias) widened to F32 in row-major order; null stays null. */
    static float[] widen(Tensor t) { return t == null ? null : t.toFloatArray(); }

    /**
     * One operand's current row as {@link #array}{@code [}{@link #index}{@code ..]}. A task makes one per
     * operand and reuses it for every row it handles, so the scratch buffer is allocated once per task.
     */
    static final class Row {
        private final MemorySegment seg;
        private final DType dtype;
        private final float[] heap;
        private final long heapBase;
        private float[] scratch = new float[0];
        float[] array;
        int index;

        Row(Tensor t) {
            this.seg = t.hostSegment();
            this.dtype = t.dtype();
            this.heap = heapFloats(t);
            this.heapBase = heap == null ? 0 : seg.address() / 4;
        }

        /** Points at {@code n} elements starting at element offset {@code e} with step {@code stride}. */
        Row load(long e, long stride, int n) {
            if (heap != null && (stride == 1 || n == 1)) {
                array = heap;
                index = (int) (heapBase + e);
                return this;
            }
            if (scratch.length < n) scratch = new float[Math.max(n, 64)];
            gather(seg, dtype, e, stride, scratch, 0, n);
            array = scratch;
            index = 0;
            return this;
        }
    }

    /**
     * Element offsets of the rows of a strided view: row {@code r} is the {@code r}-th index, in row-major
     * order, over the {@code outer} dimensions.
     */
    record RowIndex(int[] outer, long[] strides, long base) {
        /** Rows over all dimensions of {@code t} but the last. */
        static RowIndex of(Tensor t) {
            int r = t.rank();
            if (r == 0) return new RowIndex(new int[0], new long[0], t.offset());
            return new RowIndex(java.util.Arrays.copyOf(t.shape(), r - 1), java.util.Arrays.copyOf(t.strides(), r - 1), t.offset());
        }

        long offset(long row) {
            long e = base;
            for (int d = outer.length - 1; d >= 0; d--) {
                int size = outer[d];
                e += (row % size) * strides[d];
                row /= size;
            }
            return e;
        }
    }

    /**
     * Several operands walked together over one result shape, with adjacent dimensions merged wherever every
     * operand's strides allow it (so contiguous and row-broadcast inputs become a few long rows). The last
     * merged dimension is the row; its length and per-operand step are {@link #inner} and {@link #innerStride}.
     */
    static final class Walk {
        final int[] shape;
        final long[][] strides;
        final long[] bases;

        private Walk(int[] shape, long[][] strides, long[] bases) {
            this.shape = shape;
            this.strides = strides;
            this.bases = bases;
        }

        /** Each operand must already have exactly {@code shape} (e.g. through {@link Tensor#expand}). */
        static Walk of(int[] shape, Tensor... operands) {
            int m = operands.length;
            int[] dims = new int[Math.max(1, shape.length)];
            long[][] st = new long[m][dims.length];
            long[][] src = new long[m][];
            for (int k = 0; k < m; k++) src[k] = operands[k].strides();
            int r = 0;
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] == 1) continue;
                boolean merge = r > 0;
                for (int k = 0; k < m && merge; k++) merge = st[k][r - 1] == src[k][d] * shape[d];
                if (merge) {
                    dims[r - 1] *= shape[d];
                    for (int k = 0; k < m; k++) st[k][r - 1] = src[k][d];
                } else {
                    dims[r] = shape[d];
                    for (int k = 0; k < m; k++) st[k][r] = src[k][d];
                    r++;
                }
            }
            if (r == 0) { dims[0] = 1; r = 1; }
            long[] bases = new long[m];
            for (int k = 0; k < m; k++) { bases[k] = operands[k].offset(); st[k] = java.util.Arrays.copyOf(st[k], r); }
            return new Walk(java.util.Arrays.copyOf(dims, r), st, bases);
        }

        int inner() { return shape[shape.length - 1]; }

        long innerStride(int operand) { return strides[operand][shape.length - 1]; }

        long rows() {
            long n = 1;
            for (int d = 0; d < shape.length - 1; d++) n *= shape[d];
            return n;
        }

        /** Element offset of operand {@code k}'s row {@code row}. */
        long offset(int k, long row) {
            long e = bases[k];
            long[] s = strides[k];
            for (int d = shape.length - 2; d >= 0; d--) {
                int size = shape[d];
                e += (row % size) * s[d];
                row /= size;
            }
            return e;
        }
    }
}

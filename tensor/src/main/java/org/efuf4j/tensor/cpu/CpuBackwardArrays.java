package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Bulk host access shared by the backward kernels: inputs as row-major F32 arrays, results wrapped without copies. */
final class CpuBackwardArrays {
    private CpuBackwardArrays() {}

    /**
     * Row-major F32 elements of any view, for reading only: a contiguous F32 heap tensor that fills its
     * whole array (every activation and gradient the kernels make) is returned as that array, without a
     * copy; anything else is copied once. Callers never write into the result.
     */
    static float[] floats(Tensor x) {
        Tensor c = x.dtype() == DType.F32 && x.isContiguous() ? x : CpuLayout.copy(x, DType.F32);
        int n = Math.toIntExact(c.numel());
        float[] whole = HostRows.heapFloats(c);
        if (whole != null && c.offset() == 0 && whole.length == n && c.hostSegment().byteSize() == (long) n * 4) return whole;
        MemorySegment seg = c.hostSegment().asSlice(c.offset() * 4, (long) n * 4);
        return seg.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** Integer ids of any integer view, row-major. */
    static long[] ids(Tensor ids, String what) {
        if (ids.dtype().isFloating()) throw new IllegalArgumentException(what + " must be I64/I32, got " + ids.dtype());
        return ids.toLongArray();
    }

    static Tensor tensor(float[] data, int... shape) { return Tensor.of(data, shape); }

    static void requireShape(String what, Tensor t, int[] expected) {
        if (!Arrays.equals(t.shape(), expected))
            throw new IllegalArgumentException(what + ": expected shape " + Shapes.str(expected) + ", got " + Shapes.str(t.shape()));
    }

    static int lastDim(Tensor t) { return t.rank() == 0 ? 1 : t.dim(-1); }
}

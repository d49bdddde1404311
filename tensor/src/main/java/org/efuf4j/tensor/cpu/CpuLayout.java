package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Copies between layouts and dtypes, embedding gathers and patch extraction on the host. */
final class CpuLayout {
    private CpuLayout() {}

    /** A contiguous copy of {@code x} in {@code dtype}. */
    static Tensor copy(Tensor x, DType dtype) {
        Tensor out = Tensor.zeros(dtype, x.shape());
        copyInto(x, out);
        return out;
    }

    /** Strided copy with dtype conversion; rows along the last axis are the unit of work. */
    static void copyInto(Tensor src, Tensor dst) {
        int[] shape = src.shape();
        if (!java.util.Arrays.equals(shape, dst.shape()))
            throw new IllegalArgumentException("copyInto: source shape " + Shapes.str(shape) + " differs from destination " + Shapes.str(dst.shape()));
        if (src.numel() == 0) return;
        if (dst.storage().readOnly()) throw new IllegalArgumentException("copyInto: destination " + dst + " is read-only (mapped weights)");
        int rank = shape.length;
        // a scalar is one row of one element (so integer scalars keep all 64 bits)
        int cols = rank == 0 ? 1 : shape[rank - 1];
        long rows = src.numel() / cols;
        long[] ss = src.strides(), ds = dst.strides();
        MemorySegment sseg = src.hostSegment(), dseg = dst.hostSegment();
        DType st = src.dtype(), dt = dst.dtype();
        long sInner = rank == 0 ? 1 : ss[rank - 1], dInner = rank == 0 ? 1 : ds[rank - 1];
        boolean sameBytes = st == dt && sInner == 1 && dInner == 1;
        // integers travel as long (no 24-bit float detour); float -> BOOL tests the float itself for non-zero
        boolean integral = !st.isFloating() || (!dt.isFloating() && dt != DType.BOOL);
        Parallel.forRange(Math.toIntExact(rows), Math.max(1, 16384 / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long so = src.offset(), doff = dst.offset();
                long rem = r;
                for (int d = rank - 2; d >= 0; d--) {
                    long i = rem % shape[d];
                    rem /= shape[d];
                    so += i * ss[d];
                    doff += i * ds[d];
                }
                if (sameBytes) {
                    int b = st.byteSize();
                    MemorySegment.copy(sseg, so * b, dseg, doff * b, (long) cols * b);
                } else if (integral) {
                    for (int c = 0; c < cols; c++) HostAccess.writeLong(dseg, dt, doff + c * dInner, HostAccess.readLong(sseg, st, so + c * sInner));
                } else {
                    for (int c = 0; c < cols; c++) HostAccess.writeFloat(dseg, dt, doff + c * dInner, HostAccess.readFloat(sseg, st, so + c * sInner));
                }
            }
        });
    }

    static Tensor embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) throw new IllegalArgumentException("embedding table must be [vocab, dim], got " + Shapes.str(table.shape()));
        if (ids.dtype().isFloating()) throw new IllegalArgumentException("embedding ids must be integers, got " + ids.dtype());
        int vocab = table.dim(0), dim = table.dim(1);
        long[] flat = ids.toLongArray();
        int[] outShape = java.util.Arrays.copyOf(ids.shape(), ids.rank() + 1);
        outShape[ids.rank()] = dim;
        Tensor out = Tensor.zeros(DType.F32, outShape);
        for (long id : flat)
            if (id < 0 || id >= vocab) throw new IndexOutOfBoundsException("token id " + id + " outside the embedding table of " + vocab + " rows");
        MemorySegment o = out.hostSegment();
        Parallel.forRange(flat.length, 8, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                Tensor row = table.select(0, (int) flat[i]);
                Tensor dst = new Tensor(out.storage(), DType.F32, new int[] {dim}, new long[] {1}, (long) i * dim);
                copyInto(row, dst);
            }
        });
        return out;
    }

    static Tensor patches(Tensor images, int patch) {
        if (images.rank() != 4) throw new IllegalArgumentException("patches expects images [B, C, H, W], got " + Shapes.str(images.shape()));
        int b = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        if (patch <= 0 || h % patch != 0 || w % patch != 0)
            throw new IllegalArgumentException("image " + h + "x" + w + " is not divisible into " + patch + "x" + patch + " patches");
        int gh = h / patch, gw = w / patch;
        // [B, C, gh, p, gw, p] -> [B, gh, gw, C, p, p]: a pure view, then one strided copy.
        Tensor view = images.reshape(b, c, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5);
        return copy(view, DType.F32).reshape(b, gh * gw, c * patch * patch);
    }
}

package org.efuf4j.gpu.opencl;

import java.util.Arrays;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** How views are handed to kernels: dtype codes, rank-8 shape and stride vectors, folded dimensions, shape checks. */
final class ClViews {
    /** Strided kernels take shapes and strides as {@code int8}/{@code long8}. */
    static final int MAX_RANK = 8;

    private ClViews() {}

    /** The dtype codes of {@code common.cl}'s {@code ld}/{@code st}. */
    static int code(DType dt) {
        return switch (dt) {
            case F32 -> 0;
            case F16 -> 1;
            case BF16 -> 2;
            case I64 -> 3;
            case I32 -> 4;
            case U8, BOOL -> 5;
            case F64 -> throw new IllegalArgumentException("F64 tensors are not supported on OpenCL devices");
        };
    }

    static void checkRank(Tensor t) {
        if (t.rank() > MAX_RANK) throw new IllegalArgumentException("OpenCL kernels take tensors of rank <= " + MAX_RANK + ", got " + Shapes.str(t.shape()));
    }

    /** Merges adjacent dimensions that are contiguous with each other, so most views fit the kernels' rank limit. */
    static Tensor fold(Tensor t) { return foldPair(t, t)[0]; }

    /** Folds dimensions of two equally shaped views jointly: a merge must be contiguous in both. */
    static Tensor[] foldPair(Tensor a, Tensor b) {
        int[] sh = a.shape();
        long[] sa = a.strides(), sb = b.strides();
        int[] ns = new int[sh.length];
        long[] na = new long[sh.length], nb = new long[sh.length];
        int r = 0;
        for (int i = 0; i < sh.length; i++) {
            if (sh[i] == 1) continue;
            if (r > 0 && na[r - 1] == sa[i] * sh[i] && nb[r - 1] == sb[i] * sh[i]) {
                ns[r - 1] *= sh[i];
                na[r - 1] = sa[i];
                nb[r - 1] = sb[i];
            } else {
                ns[r] = sh[i];
                na[r] = sa[i];
                nb[r++] = sb[i];
            }
        }
        int[] fs = Arrays.copyOf(ns, r);
        return new Tensor[] {new Tensor(a.storage(), a.dtype(), fs, Arrays.copyOf(na, r), a.offset()),
                new Tensor(b.storage(), b.dtype(), fs, Arrays.copyOf(nb, r), b.offset())};
    }

    static int[] shape8(Tensor t) { return Arrays.copyOf(t.shape(), MAX_RANK); }

    static long[] stride8(Tensor t) { return Arrays.copyOf(t.strides(), MAX_RANK); }

    static int[] concat(int[] lead, int... tail) {
        int[] r = Arrays.copyOf(lead, lead.length + tail.length);
        System.arraycopy(tail, 0, r, lead.length, tail.length);
        return r;
    }

    static int[] reducedShape(int[] sh, int a, boolean keep) {
        if (keep) {
            int[] r = sh.clone();
            r[a] = 1;
            return r;
        }
        int[] r = new int[sh.length - 1];
        for (int i = 0, j = 0; i < sh.length; i++) if (i != a) r[j++] = sh[i];
        return r;
    }

    static void requireSameShape(String what, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException(what + ": shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()) + " differ");
    }
}

package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Reductions along one axis, argmax, and softmax / log-softmax over the last axis, for any float dtype
 * and any strides, in F32. Reducing the last axis works on whole rows (vector accumulators, then a lane
 * reduction); reducing any other axis keeps the last axis as the vector direction and accumulates whole
 * slices into the output, so a column sum reads memory in order. The reference twin is
 * {@link org.efuf4j.tensor.reference.ReferenceBackend ref64} (ReductionsTest).
 */
final class CpuReductions {
    private static final VectorSpecies<Float> F = Species.F;
    private static final int L = F.length();
    private static final int TILE = 2048;
    private static final int GRAIN_ELEMENTS = 32768;

    private CpuReductions() {}

    static Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) {
        String kernel = "reduce " + op;
        HostRows.requireFloat(x, kernel, "x");
        int rank = x.rank();
        int a = Shapes.axis(axis, rank);
        int n = x.dim(a);
        if (n == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN))
            throw new IllegalArgumentException(kernel + ": axis " + a + " of x " + Shapes.str(x.shape()) + " is empty and has no " + op);
        int[] outShape = dropAxis(x.shape(), a);
        float[] out = HostRows.newOutput(outShape, kernel);
        if (out.length > 0) {
            if (a == rank - 1) reduceRows(op, x, n, out);
            else reduceSlices(op, x, a, out);
        }
        int[] shape = outShape;
        if (keepDim) {
            shape = x.shape();
            shape[a] = 1;
        }
        return Tensor.of(out, shape);
    }

    /** Last axis: one output per row. */
    private static void reduceRows(ReduceOp op, Tensor x, int n, float[] out) {
        HostRows.RowIndex rows = HostRows.RowIndex.of(x);
        long stride = n == 0 ? 1 : x.stride(-1);
        Parallel.forRange(out.length, Math.max(1, GRAIN_ELEMENTS / Math.max(1, n)), (r0, r1) -> {
            HostRows.Row row = new HostRows.Row(x);
            for (int r = r0; r < r1; r++) {
                if (n == 0) { out[r] = op == ReduceOp.SUM ? 0f : Float.NaN; continue; }
                row.load(rows.offset(r), stride, n);
                out[r] = switch (op) {
                    case SUM -> sum(row.array, row.index, n);
                    case MEAN -> sum(row.array, row.index, n) / n;
                    case MAX -> max(row.array, row.index, n);
                    case MIN -> min(row.array, row.index, n);
                };
            }
        });
    }

    /**
     * Any other axis: view x as {@code [outer..., n, inner]}; each output row (one outer index, a tile of the
     * inner axis) starts as slice 0 and takes in slices 1..n-1.
     */
    private static void reduceSlices(ReduceOp op, Tensor x, int a, float[] out) {
        int rank = x.rank();
        int[] order = new int[rank];
        for (int d = 0, j = 0; d < rank; d++) if (d != a && d != rank - 1) order[j++] = d;
        order[rank - 2] = a;
        order[rank - 1] = rank - 1;
        Tensor v = x.permute(order);
        int n = x.dim(a), inner = x.dim(-1);
        long sn = x.stride(a), si = x.stride(-1);
        int[] outer = java.util.Arrays.copyOf(v.shape(), rank - 2);
        HostRows.RowIndex rows = new HostRows.RowIndex(outer, java.util.Arrays.copyOf(v.strides(), rank - 2), v.offset());
        int perRow = (inner + TILE - 1) / TILE;
        int tiles = Math.toIntExact(Shapes.numel(outer) * perRow);
        Parallel.forRange(tiles, Math.max(1, GRAIN_ELEMENTS / Math.max(1, n * Math.min(inner, TILE))), (w0, w1) -> {
            HostRows.Row row = new HostRows.Row(x);
            for (int w = w0; w < w1; w++) {
                long r = w / perRow;
                int start = (w % perRow) * TILE, len = Math.min(TILE, inner - start);
                long base = rows.offset(r) + start * si;
                int oi = (int) (r * inner + start);
                if (n == 0) {
                    java.util.Arrays.fill(out, oi, oi + len, op == ReduceOp.SUM ? 0f : Float.NaN);
                    continue;
                }
                row.load(base, si, len);
                System.arraycopy(row.array, row.index, out, oi, len);
                for (int k = 1; k < n; k++) {
                    row.load(base + k * sn, si, len);
                    accumulate(op, row.array, row.index, out, oi, len);
                }
                if (op == ReduceOp.MEAN) divide(out, oi, len, n);
            }
        });
    }

    static Tensor argmax(Tensor x, int axis) {
        HostRows.requireFloat(x, "argmax", "x");
        int a = Shapes.axis(axis, x.rank());
        int n = x.dim(a);
        if (n == 0) throw new IllegalArgumentException("argmax: axis " + a + " of x " + Shapes.str(x.shape()) + " is empty");
        // Rows along the reduced axis: move it last (a view), then each output is one strided row.
        int rank = x.rank();
        int[] order = new int[rank];
        for (int d = 0, j = 0; d < rank; d++) if (d != a) order[j++] = d;
        order[rank - 1] = a;
        Tensor v = x.permute(order);
        int[] outShape = dropAxis(x.shape(), a);
        long count = Shapes.numel(outShape);
        long[] out = new long[Math.toIntExact(count)];
        HostRows.RowIndex rows = HostRows.RowIndex.of(v);
        long stride = x.stride(a);
        Parallel.forRange(out.length, Math.max(1, GRAIN_ELEMENTS / n), (r0, r1) -> {
            HostRows.Row row = new HostRows.Row(v);
            for (int r = r0; r < r1; r++) {
                row.load(rows.offset(r), stride, n);
                out[r] = argmax(row.array, row.index, n);
            }
        });
        return Tensor.ofLongs(out, outShape);
    }

    static Tensor softmax(Tensor x) { return softmax(x, false); }

    static Tensor logSoftmax(Tensor x) { return softmax(x, true); }

    /**
     * Max-subtracted softmax per last-axis row. A row that is entirely -inf (fully masked) has no
     * probability mass to share: softmax gives zeros and log-softmax -inf, instead of NaN.
     */
    private static Tensor softmax(Tensor x, boolean log) {
        String kernel = log ? "logSoftmax" : "softmax";
        HostRows.requireFloat(x, kernel, "x");
        if (x.rank() == 0) throw new IllegalArgumentException(kernel + ": x must have at least one axis, got a scalar");
        int[] shape = x.shape();
        float[] out = HostRows.newOutput(shape, kernel);
        int n = x.dim(-1);
        if (n == 0 || out.length == 0) return Tensor.of(out, shape);
        int rowCount = out.length / n;
        HostRows.RowIndex rows = HostRows.RowIndex.of(x);
        long stride = x.stride(-1);
        Parallel.forRange(rowCount, Math.max(1, GRAIN_ELEMENTS / n), (r0, r1) -> {
            HostRows.Row row = new HostRows.Row(x);
            for (int r = r0; r < r1; r++) {
                row.load(rows.offset(r), stride, n);
                float[] in = row.array;
                int ii = row.index, oi = r * n;
                float max = max(in, ii, n);
                if (max == Float.NEGATIVE_INFINITY) {
                    java.util.Arrays.fill(out, oi, oi + n, log ? Float.NEGATIVE_INFINITY : 0f);
                } else if (log) {
                    float logSum = (float) Math.log(sumExpShifted(in, ii, max, n));
                    shift(in, ii, -(max + logSum), out, oi, n);
                } else {
                    float sum = expShifted(in, ii, max, out, oi, n);
                    scale(out, oi, n, 1f / sum);
                }
            }
        });
        return Tensor.of(out, shape);
    }

    private static int[] dropAxis(int[] shape, int axis) {
        int[] s = new int[shape.length - 1];
        for (int d = 0, j = 0; d < shape.length; d++) if (d != axis) s[j++] = shape[d];
        return s;
    }

    // ------------------------------------------------------------------ row micro-kernels

    /** Four independent accumulators hide the add latency and pair up partial sums (less rounding error). */
    static float sum(float[] a, int ai, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(F, a, ai + i));
            s1 = s1.add(FloatVector.fromArray(F, a, ai + i + L));
            s2 = s2.add(FloatVector.fromArray(F, a, ai + i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(F, a, ai + i + 3 * L));
        }
        for (int bound = F.loopBound(n); i < bound; i += L) s0 = s0.add(FloatVector.fromArray(F, a, ai + i));
        float s = VectorMath.sum(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) s += a[ai + i];
        return s;
    }

    static float max(float[] a, int ai, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) m = m.max(FloatVector.fromArray(F, a, ai + i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, a[ai + i]);
        return r;
    }

    static float min(float[] a, int ai, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) m = m.min(FloatVector.fromArray(F, a, ai + i));
        float r = m.reduceLanes(VectorOperators.MIN);
        for (; i < n; i++) r = Math.min(r, a[ai + i]);
        return r;
    }

    /** First index of the maximum; NaN counts as the maximum, as in torch. */
    static int argmax(float[] a, int ai, int n) {
        float m = max(a, ai, n);
        if (Float.isNaN(m)) {
            for (int i = 0; i < n; i++) if (Float.isNaN(a[ai + i])) return i;
        }
        FloatVector vm = FloatVector.broadcast(F, m);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            var hit = FloatVector.fromArray(F, a, ai + i).compare(VectorOperators.EQ, vm);
            if (hit.anyTrue()) return i + hit.firstTrue();
        }
        for (; i < n; i++) if (a[ai + i] == m) return i;
        throw new IllegalStateException("argmax: maximum " + m + " not found again in its row");
    }

    /** {@code o = exp(a - max)}, returning the sum of o. */
    static float expShifted(float[] a, int ai, float max, float[] o, int oi, int n) {
        FloatVector vm = FloatVector.broadcast(F, max), s = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, a, ai + i).sub(vm));
            e.intoArray(o, oi + i);
            s = s.add(e);
        }
        float sum = VectorMath.sum(s);
        for (; i < n; i++) {
            float e = (float) Math.exp(a[ai + i] - max);
            o[oi + i] = e;
            sum += e;
        }
        return sum;
    }

    static float sumExpShifted(float[] a, int ai, float max, int n) {
        FloatVector vm = FloatVector.broadcast(F, max), s = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L)
            s = s.add(VectorMath.exp(FloatVector.fromArray(F, a, ai + i).sub(vm)));
        float sum = VectorMath.sum(s);
        for (; i < n; i++) sum += (float) Math.exp(a[ai + i] - max);
        return sum;
    }

    static void shift(float[] a, int ai, float by, float[] o, int oi, int n) {
        FloatVector vb = FloatVector.broadcast(F, by);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) FloatVector.fromArray(F, a, ai + i).add(vb).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] = a[ai + i] + by;
    }

    static void scale(float[] o, int oi, int n, float by) {
        FloatVector vb = FloatVector.broadcast(F, by);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) FloatVector.fromArray(F, o, oi + i).mul(vb).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] *= by;
    }

    private static void divide(float[] o, int oi, int n, float by) {
        FloatVector vb = FloatVector.broadcast(F, by);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) FloatVector.fromArray(F, o, oi + i).div(vb).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] /= by;
    }

    /** {@code acc = acc op a} lanewise (MEAN accumulates a sum). */
    private static void accumulate(ReduceOp op, float[] a, int ai, float[] acc, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector s = FloatVector.fromArray(F, acc, oi + i), v = FloatVector.fromArray(F, a, ai + i);
            FloatVector r = switch (op) {
                case SUM, MEAN -> s.add(v);
                case MAX -> s.max(v);
                case MIN -> s.min(v);
            };
            r.intoArray(acc, oi + i);
        }
        for (; i < n; i++) {
            float s = acc[oi + i], v = a[ai + i];
            acc[oi + i] = switch (op) {
                case SUM, MEAN -> s + v;
                case MAX -> Math.max(s, v);
                case MIN -> Math.min(s, v);
            };
        }
    }
}

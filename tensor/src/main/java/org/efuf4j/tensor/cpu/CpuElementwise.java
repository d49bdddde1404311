package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * Elementwise kernels: unary functions, NumPy-broadcast binary operations and affine maps over any float
 * dtype and any strides, producing contiguous F32. Operands are walked together with their dimensions
 * merged ({@link HostRows.Walk}), so a contiguous tensor is one long row and {@code [N, D] + [D]} is N rows
 * whose second operand restarts each row. Rows are cut into tiles that are the unit of parallel work.
 * {@link org.efuf4j.tensor.reference.ReferenceBackend ref64} is the reference twin (ElementwiseTest).
 */
final class CpuElementwise {
    static final VectorSpecies<Float> F = Species.F;
    private static final int L = F.length();
    /** Elements per tile: three operands' tiles stay in L1. */
    private static final int TILE = 2048;
    /** Elements a parallel piece should hold at least, so that splitting pays for itself. */
    private static final int GRAIN_ELEMENTS = 32768;

    private CpuElementwise() {}

    static Tensor unary(UnaryOp op, Tensor x) {
        HostRows.requireFloat(x, "unary " + op, "x");
        int[] shape = x.shape();
        float[] out = HostRows.newOutput(shape, "unary " + op);
        Tiles t = new Tiles(HostRows.Walk.of(shape, x));
        Parallel.forRange(t.count, t.grain, (w0, w1) -> {
            Tiles c = t.cursor();
            HostRows.Row src = new HostRows.Row(x);
            for (int w = w0; w < w1; w++) {
                c.locate(w);
                src.load(c.offset(0), c.stride(0), c.length);
                apply(op, src.array, src.index, out, c.outIndex, c.length);
            }
        });
        return Tensor.of(out, shape);
    }

    static Tensor affine(Tensor x, float scale, float shift) {
        HostRows.requireFloat(x, "affine", "x");
        int[] shape = x.shape();
        float[] out = HostRows.newOutput(shape, "affine");
        Tiles t = new Tiles(HostRows.Walk.of(shape, x));
        Parallel.forRange(t.count, t.grain, (w0, w1) -> {
            Tiles c = t.cursor();
            HostRows.Row src = new HostRows.Row(x);
            for (int w = w0; w < w1; w++) {
                c.locate(w);
                src.load(c.offset(0), c.stride(0), c.length);
                affine(src.array, src.index, scale, shift, out, c.outIndex, c.length);
            }
        });
        return Tensor.of(out, shape);
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        HostRows.requireFloat(a, "binary " + op, "a");
        HostRows.requireFloat(b, "binary " + op, "b");
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        float[] out = HostRows.newOutput(shape, "binary " + op);
        Tensor ea = a.expand(shape), eb = b.expand(shape);
        Tiles t = new Tiles(HostRows.Walk.of(shape, ea, eb));
        Parallel.forRange(t.count, t.grain, (w0, w1) -> {
            Tiles c = t.cursor();
            HostRows.Row ra = new HostRows.Row(ea), rb = new HostRows.Row(eb);
            for (int w = w0; w < w1; w++) {
                c.locate(w);
                int n = c.length;
                long sa = c.stride(0), sb = c.stride(1);
                if (sb == 0 && n > 1) {
                    ra.load(c.offset(0), sa, n);
                    float bv = rb.load(c.offset(1), 1, 1).array[rb.index];
                    rowScalar(op, ra.array, ra.index, bv, out, c.outIndex, n);
                } else if (sa == 0 && n > 1) {
                    float av = ra.load(c.offset(0), 1, 1).array[ra.index];
                    rb.load(c.offset(1), sb, n);
                    scalarRow(op, av, rb.array, rb.index, out, c.outIndex, n);
                } else {
                    ra.load(c.offset(0), sa, n);
                    rb.load(c.offset(1), sb, n);
                    rowRow(op, ra.array, ra.index, rb.array, rb.index, out, c.outIndex, n);
                }
            }
        });
        return Tensor.of(out, shape);
    }

    /** The rows of a {@link HostRows.Walk} cut into tiles of at most {@link #TILE} elements; not thread-safe, one per task. */
    private static final class Tiles {
        final HostRows.Walk walk;
        final int inner, perRow, count, grain;
        // the tile last located
        int length, outIndex;
        private long row;
        private int start;

        Tiles(HostRows.Walk walk) {
            this.walk = walk;
            this.inner = walk.inner();
            this.perRow = Math.max(1, (inner + TILE - 1) / TILE);
            long c = walk.rows() * perRow;
            if (inner == 0) c = 0;
            this.count = Math.toIntExact(c);
            this.grain = Math.max(1, GRAIN_ELEMENTS / Math.max(1, Math.min(inner, TILE)));
        }

        /** A cursor of its own for one task. */
        Tiles cursor() { return new Tiles(this); }

        private Tiles(Tiles shared) {
            this.walk = shared.walk;
            this.inner = shared.inner;
            this.perRow = shared.perRow;
            this.count = shared.count;
            this.grain = shared.grain;
        }

        void locate(int w) {
            row = w / perRow;
            start = (w % perRow) * TILE;
            length = Math.min(TILE, inner - start);
            outIndex = (int) (row * inner + start);
        }

        long offset(int operand) { return walk.offset(operand, row) + start * walk.innerStride(operand); }

        long stride(int operand) { return walk.innerStride(operand); }
    }

    // ------------------------------------------------------------------ binary micro-kernels

    private static FloatVector combine(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
        };
    }

    static void rowRow(BinaryOp op, float[] a, int ai, float[] b, int bi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L)
            combine(op, FloatVector.fromArray(F, a, ai + i), FloatVector.fromArray(F, b, bi + i)).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] = op.apply(a[ai + i], b[bi + i]);
    }

    static void rowScalar(BinaryOp op, float[] a, int ai, float b, float[] o, int oi, int n) {
        FloatVector vb = FloatVector.broadcast(F, b);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L)
            combine(op, FloatVector.fromArray(F, a, ai + i), vb).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] = op.apply(a[ai + i], b);
    }

    static void scalarRow(BinaryOp op, float a, float[] b, int bi, float[] o, int oi, int n) {
        FloatVector va = FloatVector.broadcast(F, a);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L)
            combine(op, va, FloatVector.fromArray(F, b, bi + i)).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] = op.apply(a, b[bi + i]);
    }

    static void affine(float[] x, int xi, float scale, float shift, float[] o, int oi, int n) {
        FloatVector vs = FloatVector.broadcast(F, scale), vt = FloatVector.broadcast(F, shift);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L)
            FloatVector.fromArray(F, x, xi + i).fma(vs, vt).intoArray(o, oi + i);
        for (; i < n; i++) o[oi + i] = Math.fma(x[xi + i], scale, shift);
    }

    // ------------------------------------------------------------------ unary micro-kernels

    /**
     * One loop per function, chosen outside the loop, so that every vector operation is a compile-time
     * constant the JIT can intrinsify (a non-constant operator falls back to boxed, per-lane Java code).
     * The scalar tail uses {@link UnaryOp#apply}, the definition.
     */
    static void apply(UnaryOp op, float[] x, int xi, float[] o, int oi, int n) {
        int done = switch (op) {
            case NEG -> neg(x, xi, o, oi, n);
            case EXP -> exp(x, xi, o, oi, n);
            case LOG -> log(x, xi, o, oi, n);
            case TANH -> tanh(x, xi, o, oi, n);
            case SIGMOID -> sigmoid(x, xi, o, oi, n);
            case RELU -> relu(x, xi, o, oi, n);
            case SQRT -> sqrt(x, xi, o, oi, n);
            case RSQRT -> rsqrt(x, xi, o, oi, n);
            case SQUARE -> square(x, xi, o, oi, n);
            case ABS -> abs(x, xi, o, oi, n);
            case RECIPROCAL -> reciprocal(x, xi, o, oi, n);
            case GELU_ERF -> geluErf(x, xi, o, oi, n);
            case GELU_TANH -> geluTanh(x, xi, o, oi, n);
            case QUICK_GELU -> quickGelu(x, xi, o, oi, n);
            case SILU -> silu(x, xi, o, oi, n);
        };
        for (int i = done; i < n; i++) o[oi + i] = op.apply(x[xi + i]);
    }

    private static int neg(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) FloatVector.fromArray(F, x, xi + i).neg().intoArray(o, oi + i);
        return i;
    }

    private static int exp(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) VectorMath.exp(FloatVector.fromArray(F, x, xi + i)).intoArray(o, oi + i);
        return i;
    }

    private static int log(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) VectorMath.log(FloatVector.fromArray(F, x, xi + i)).intoArray(o, oi + i);
        return i;
    }

    private static int tanh(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) VectorMath.tanh(FloatVector.fromArray(F, x, xi + i)).intoArray(o, oi + i);
        return i;
    }

    private static int sigmoid(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xi + i);
            inverse(VectorMath.exp(v.neg()).add(1f)).intoArray(o, oi + i);
        }
        return i;
    }

    private static int relu(float[] x, int xi, float[] o, int oi, int n) {
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xi + i);
            // x > 0 ? x : 0 sends NaN and -0 to +0, exactly as UnaryOp.RELU
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(o, oi + i);
        }
        return i;
    }

    private static int sqrt(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) FloatVector.fromArray(F, x, xi + i).sqrt().intoArray(o, oi + i);
        return i;
    }

    private static int rsqrt(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) inverse(FloatVector.fromArray(F, x, xi + i).sqrt()).intoArray(o, oi + i);
        return i;
    }

    private static int square(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xi + i);
            v.mul(v).intoArray(o, oi + i);
        }
        return i;
    }

    private static int abs(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) FloatVector.fromArray(F, x, xi + i).abs().intoArray(o, oi + i);
        return i;
    }

    private static int reciprocal(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) inverse(FloatVector.fromArray(F, x, xi + i)).intoArray(o, oi + i);
        return i;
    }

    private static int geluErf(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) geluErf(FloatVector.fromArray(F, x, xi + i)).intoArray(o, oi + i);
        return i;
    }

    private static int geluTanh(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) geluTanh(FloatVector.fromArray(F, x, xi + i)).intoArray(o, oi + i);
        return i;
    }

    private static int quickGelu(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xi + i);
            v.div(VectorMath.exp(v.mul(-1.702f)).add(1f)).intoArray(o, oi + i);
        }
        return i;
    }

    private static int silu(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xi + i);
            v.div(VectorMath.exp(v.neg()).add(1f)).intoArray(o, oi + i);
        }
        return i;
    }

    private static FloatVector inverse(FloatVector v) { return FloatVector.broadcast(F, 1f).div(v); }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    /** {@code x Phi(x)}, with the tail-exact normal CDF of {@link VectorErf#normalCdf}. */
    static FloatVector geluErf(FloatVector x) { return x.mul(VectorErf.normalCdf(x)); }

    /**
     * {@code x/2 (1 + tanh u)} written as {@code x sigmoid(2u)} (the same function): no cancellation in the
     * left tail, and only one transcendental.
     */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector u = x.mul(x).fma(0.044715f, 1f).mul(x).mul(SQRT_2_OVER_PI);
        return x.div(VectorMath.exp(u.mul(-2f)).add(1f));
    }
}

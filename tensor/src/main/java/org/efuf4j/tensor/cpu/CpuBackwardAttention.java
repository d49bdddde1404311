package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.CpuBackwardArrays.floats;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Host backward of scaled-dot-product attention with causal/padding masks and GQA, in the FlashAttention-2 shape:
 * work is split over (batch, kv head), so every task owns its dK/dV rows and no accumulation races, and each task
 * walks its query heads in blocks of {@link #QUERY_BLOCK} rows. For a block it recomputes the scores against the keys
 * that block can see (a {@code QUERY_BLOCK x Tk} strip, never the whole {@code Tq x Tk} matrix), turns them into
 * probabilities, and then everything else is five small GEMMs on the packed {@link Gemm} micro-kernel:
 * {@code S = Q K^T}, {@code dP = dO V^T}, {@code dV += P^T dO}, {@code dK += dS^T Q} and {@code dQ = dS K}, with
 * {@code dS = P (dP - rowsum(dO O)) scale}. Row by row with vectors along the keys, the same work ran as short,
 * latency-bound loops at about a sixth of the speed.
 *
 * <p>Masked keys get probability and {@code dS} exactly zero, and padded keys are zeroed in the task's copy of K and V,
 * so a NaN in a padded key cannot reach any gradient through {@code 0 * NaN}.
 * {@link org.efuf4j.tensor.reference.ReferenceBackend#attentionBackward} is the plain twin the tests compare with.
 */
final class CpuBackwardAttention {
    private static final VectorSpecies<Float> S = Species.F;
    private static final int L = S.length();
    /** Query rows per block: the score strips ({@code 2 x QUERY_BLOCK x Tk}) stay in L2 for the usual key counts. */
    static final int QUERY_BLOCK = 64;

    private CpuBackwardAttention() {}

    static Backend.AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4)
            throw new IllegalArgumentException("attention expects q, k, v of rank 4 [B, H, T, D], got " + Shapes.str(q.shape()) + ", " + Shapes.str(k.shape()) + ", " + Shapes.str(v.shape()));
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3);
        int hkv = k.dim(1), tk = k.dim(2);
        if (hkv == 0 || hq % hkv != 0) throw new IllegalArgumentException("query heads " + hq + " not a multiple of kv heads " + hkv);
        CpuBackwardArrays.requireShape("attention keys", k, new int[] {b, hkv, tk, d});
        CpuBackwardArrays.requireShape("attention values", v, new int[] {b, hkv, tk, d});
        CpuBackwardArrays.requireShape("attention output", out, q.shape());
        CpuBackwardArrays.requireShape("attention upstream gradient", dOut, q.shape());
        if ((long) QUERY_BLOCK * (tk + L) > Integer.MAX_VALUE - 16 || (long) tk * d > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("attention backward over " + tk + " keys of size " + d + " is beyond one Java array per block");
        // rows read where they lie (heads split from a projection are strided views), gradients stored like their inputs
        HeadRows qr = HeadRows.of(q), kr = HeadRows.of(k), vr = HeadRows.of(v), or = HeadRows.of(out), gr = HeadRows.of(dOut);
        float[] keep = null;
        if (mask.keyPadding() != null) {
            CpuBackwardArrays.requireShape("attention key padding mask", mask.keyPadding(), new int[] {b, tk});
            keep = floats(mask.keyPadding());
        }
        HeadRows.Fresh dq = HeadRows.fresh(q, b, hq, tq, d), dk = HeadRows.fresh(k, b, hkv, tk, d), dv = HeadRows.fresh(v, b, hkv, tk, d);
        Problem p = new Problem(hq, hkv, tq, tk, d, mask, keep, scale, qr, kr, vr, or, gr, dq.rows(), dk.rows(), dv.rows());
        if (b * hkv > 0 && tq > 0 && tk > 0 && d > 0) {
            Parallel.forRange(b * hkv, 1, (t0, t1) -> {
                Task task = new Task(p);
                for (int t = t0; t < t1; t++) task.run(t / hkv, t % hkv);
            });
        }
        return new Backend.AttentionGrads(dq.tensor(), dk.tensor(), dv.tensor());
    }

    private record Problem(int queryHeads, int kvHeads, int queries, int keys, int d, AttentionMask mask, float[] keep,
                           float scale, HeadRows q, HeadRows k, HeadRows v, HeadRows out, HeadRows dOut,
                           HeadRows dq, HeadRows dk, HeadRows dv) {
        /** Keys {@code [0, n)} that query row {@code t} may see, before padding. */
        int visibleKeys(int t) {
            if (!mask.causal()) return keys;
            return (int) Math.max(0, Math.min(keys, (long) t + mask.queryOffset() + 1));
        }
    }

    /**
     * One worker's scratch: its (batch, kv head)'s keys and values (padded rows zeroed), the padding row, and the
     * probability and gradient strips of a query block (rows {@code ld} floats apart, whole vectors).
     */
    private static final class Task {
        private final Problem p;
        private final float[] keys, values, keepRow, probs, grads;

        Task(Problem p) {
            this.p = p;
            int padded = Gemm.roundUp(p.keys(), L);
            keys = new float[p.keys() * p.d()];
            values = new float[p.keys() * p.d()];
            keepRow = p.keep() == null ? null : new float[padded];
            probs = new float[QUERY_BLOCK * padded];
            grads = new float[QUERY_BLOCK * padded];
        }

        void run(int b, int kvh) {
            int d = p.d(), tk = p.keys();
            if (keepRow != null) System.arraycopy(p.keep(), b * tk, keepRow, 0, tk);
            copyRows(p.k(), b, kvh, keys);
            copyRows(p.v(), b, kvh, values);
            GemmOperand kAll = operand(keys, d, tk, d), vAll = operand(values, d, tk, d);
            int group = p.queryHeads() / p.kvHeads();
            for (int h = kvh * group; h < (kvh + 1) * group; h++) {
                for (int i0 = 0; i0 < p.queries(); i0 += QUERY_BLOCK) {
                    int n = Math.min(QUERY_BLOCK, p.queries() - i0);
                    int seen = p.visibleKeys(i0 + n - 1); // causal: the block's last row sees the most
                    if (seen == 0) continue;            // no row sees a key: dQ stays zero
                    block(b, kvh, h, i0, n, seen, kAll.rowRange(0, seen), vAll.rowRange(0, seen));
                }
            }
        }

        /** Query rows {@code [i0, i0 + n)} of head {@code h} against keys {@code [0, seen)}. */
        private void block(int b, int kvh, int h, int i0, int n, int seen, GemmOperand kSeen, GemmOperand vSeen) {
            int d = p.d(), ld = Gemm.roundUp(seen, L);
            GemmOperand qb = rows(p.q(), b, h, i0, n, d), gb = rows(p.dOut(), b, h, i0, n, d);
            GemmOperand probsOp = operand(probs, ld, n, seen), gradsOp = operand(grads, ld, n, seen);
            Gemm.product(qb, kSeen.transposed(), null, probs, 0, ld, false);   // S = Q K^T
            Gemm.product(gb, vSeen.transposed(), null, grads, 0, ld, false);   // dP = dO V^T
            for (int r = 0; r < n; r++) {
                int t = i0 + r;
                float rowDot = dot(p.dOut().data(), p.dOut().row(b, h, t), p.out().data(), p.out().row(b, h, t), d);
                softmaxRow(r * ld, Math.min(seen, p.visibleKeys(t)), ld, rowDot);
            }
            // dV += P^T dO and dK += dS^T Q straight into this task's own rows of the fresh gradients; dQ = dS K
            Gemm.multiply(probsOp.transposed(), gb, p.dv().data(), p.dv().row(b, kvh, 0), p.dv().strideT(), false);
            Gemm.multiply(gradsOp.transposed(), qb, p.dk().data(), p.dk().row(b, kvh, 0), p.dk().strideT(), false);
            Gemm.product(gradsOp, kSeen, null, p.dq().data(), p.dq().row(b, h, i0), p.dq().strideT(), false);
        }

        /**
         * The strip row at {@code o}: scores into probabilities over its {@code visible} keys (padded ones and all past
         * {@code visible} exactly zero), and {@code dP} into {@code dS = P (dP - dO.O) scale}, zero wherever P is.
         */
        private void softmaxRow(int o, int visible, int ld, float rowDot) {
            int end = Gemm.roundUp(visible, L);
            float scale = p.scale();
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < end; j += L) {
                VectorMask<Float> live = S.indexInRange(j, visible);
                if (keepRow != null) live = live.and(FloatVector.fromArray(S, keepRow, j).compare(VectorOperators.NE, 0f));
                FloatVector sv = FloatVector.fromArray(S, probs, o + j).mul(scale).blend(Float.NEGATIVE_INFINITY, live.not());
                sv.intoArray(probs, o + j);
                vmax = vmax.max(sv);
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            if (max == Float.NEGATIVE_INFINITY) { // nothing visible: no probability, no gradient
                Arrays.fill(probs, o, o + ld, 0f);
                Arrays.fill(grads, o, o + ld, 0f);
                return;
            }
            FloatVector vsum = FloatVector.zero(S);
            for (int j = 0; j < end; j += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, probs, o + j).sub(max));
                e.intoArray(probs, o + j);
                vsum = vsum.add(e);
            }
            float inv = 1f / VectorMath.sum(vsum);
            for (int j = 0; j < end; j += L) {
                FloatVector pj = FloatVector.fromArray(S, probs, o + j).mul(inv);
                FloatVector g = pj.mul(FloatVector.fromArray(S, grads, o + j).sub(rowDot)).mul(scale);
                g.blend(0f, pj.compare(VectorOperators.EQ, 0f)).intoArray(grads, o + j);
                pj.intoArray(probs, o + j);
            }
            Arrays.fill(probs, o + end, o + ld, 0f);
            Arrays.fill(grads, o + end, o + ld, 0f);
        }

        /** Rows of {@code (b, head)} into {@code dst} ({@code [Tk, D]}), padded keys as zero rows. */
        private void copyRows(HeadRows src, int b, int head, float[] dst) {
            int d = p.d();
            for (int j = 0; j < p.keys(); j++) {
                if (keepRow != null && keepRow[j] == 0f) Arrays.fill(dst, j * d, (j + 1) * d, 0f);
                else System.arraycopy(src.data(), src.row(b, head, j), dst, j * d, d);
            }
        }
    }

    /** {@code n} rows of {@code (b, h)} from {@code t0} on, read in place as a GEMM operand. */
    private static GemmOperand rows(HeadRows x, int b, int h, int t0, int n, int d) {
        return new GemmOperand(MemorySegment.ofArray(x.data()), DType.F32, x.row(b, h, t0), x.strideT(), 1, n, d);
    }

    /** A row-major F32 matrix in {@code data}, rows {@code ld} floats apart. */
    private static GemmOperand operand(float[] data, int ld, int rows, int cols) {
        return new GemmOperand(MemorySegment.ofArray(data), DType.F32, 0, ld, 1, rows, cols);
    }

    /** {@code sum a[ao + c] * b[bo + c]} over {@code c < n}. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += S.length())
            acc = FloatVector.fromArray(S, a, ao + c).fma(FloatVector.fromArray(S, b, bo + c), acc);
        float s = VectorMath.sum(acc);
        for (; c < n; c++) s += a[ao + c] * b[bo + c];
        return s;
    }
}

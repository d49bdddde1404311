package org.efuf4j.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;

/**
 * Scaled-dot-product attention in the flash-attention style: each task takes a block of query rows
 * of one (batch, kv head), walks the keys in blocks and keeps a running maximum, a running sum of
 * exponentials and an unnormalised output per row (online softmax), so no {@code [Tq, Tk]} score
 * matrix ever exists. Query heads that share a kv head (GQA) are processed in the same block, so each
 * key block is packed once for the whole group. The reference twin is
 * {@link org.efuf4j.tensor.reference.ReferenceBackend ref64} (AttentionTest).
 */
final class CpuAttention {
    private CpuAttention() {}

    /**
     * The output {@code [B, Hq, Tq, Dv]} and the per-row log-sum-exp {@code [B, Hq, Tq]} of the scaled,
     * masked scores (natural log; -infinity for a fully masked row), which the fused backward pass needs
     * to recompute the probabilities block by block.
     */
    record Forward(Tensor output, Tensor logSumExp) {}

    private static final VectorSpecies<Float> SPECIES = Species.F;
    private static final int LANES = SPECIES.length();
    /** Query rows per micro-kernel call: 4 rows x 2 vectors is 8 accumulators, within 16 registers. */
    private static final int ROW_TILE = 4;
    private static final int KEY_TILE = 2 * LANES;
    /** Query rows per task: enough to amortise packing a key block, small enough for many tasks. */
    private static final int BLOCK_ROWS = 32;
    /** Keys per block: the packed key block, scores and value rows stay in L1/L2. */
    private static final int BLOCK_KEYS = (64 + KEY_TILE - 1) / KEY_TILE * KEY_TILE;

    static Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        return forward(q, k, v, mask, scale).output();
    }

    static Forward forward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        AttentionProblem p = AttentionProblem.of(q, k, v, mask);
        HeadRows.Fresh out = HeadRows.fresh(q, p.batch(), p.queryHeads(), p.queries(), p.valueDim());
        Tensor lse = Tensor.zeros(DType.F32, p.batch(), p.queryHeads(), p.queries());
        if (out.tensor().numel() == 0 && lse.numel() == 0) return new Forward(out.tensor(), lse);
        HeadRows qr = HeadRows.of(q), kr = HeadRows.of(k), vr = HeadRows.of(v), or = out.rows();
        float[] keyBias = p.keyBias(mask);
        float[] l = heapFloats(lse);
        // Rows of one (batch, kv head) are ordered query-major, then head within the group, so a block
        // covers a contiguous query range and the causal key limit of the block is that of its last row.
        int rows = p.group() * p.queries();
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int tasks = Math.multiplyExact(p.batch() * p.kvHeads(), blocks);
        Parallel.forRange(tasks, 1, (start, end) -> {
            QueryBlock block = new QueryBlock(p, mask, scale, qr, kr, vr, or, keyBias, l);
            for (int task = start; task < end; task++) {
                int rb = task % blocks, bh = task / blocks;
                int r0 = rb * BLOCK_ROWS;
                block.run(bh / p.kvHeads(), bh % p.kvHeads(), r0, Math.min(rows, r0 + BLOCK_ROWS));
            }
        });
        return new Forward(out.tensor(), lse);
    }

    /** One task's scratch and the online-softmax walk over the keys for a block of query rows. */
    private static final class QueryBlock {
        private final AttentionProblem p;
        private final AttentionMask mask;
        private final float scale;
        private final HeadRows qr, kr, vr, or;
        private final float[] keyBias, lse;
        private final int d, dv;

        private final float[] queries;   // [BLOCK_ROWS, D], scaled
        private final float[] keysT;     // [D, BLOCK_KEYS], the key block transposed
        private final float[] scores;    // [BLOCK_ROWS, BLOCK_KEYS], then probabilities
        private final float[] acc;       // [BLOCK_ROWS, Dv], unnormalised output
        private final float[] rowMax = new float[BLOCK_ROWS], rowSum = new float[BLOCK_ROWS];
        private final int[] lastKey = new int[BLOCK_ROWS];
        private final float[] blockBias = new float[BLOCK_KEYS];

        QueryBlock(AttentionProblem p, AttentionMask mask, float scale, HeadRows qr, HeadRows kr, HeadRows vr, HeadRows or,
                   float[] keyBias, float[] lse) {
            this.p = p;
            this.mask = mask;
            this.scale = scale;
            this.qr = qr;
            this.kr = kr;
            this.vr = vr;
            this.or = or;
            this.keyBias = keyBias;
            this.lse = lse;
            this.d = p.headDim();
            this.dv = p.valueDim();
            queries = new float[BLOCK_ROWS * d];
            keysT = new float[d * BLOCK_KEYS];
            scores = new float[BLOCK_ROWS * BLOCK_KEYS];
            acc = new float[BLOCK_ROWS * dv];
        }

        /** Rows {@code [r0, r1)} of kv head {@code kvh} in batch {@code b}; row r is query r / G of head kvh * G + r % G. */
        void run(int b, int kvh, int r0, int r1) {
            int n = r1 - r0, nPad = (n + ROW_TILE - 1) / ROW_TILE * ROW_TILE, g = p.group();
            int keyEnd = 0;
            for (int r = 0; r < nPad; r++) {
                rowMax[r] = Float.NEGATIVE_INFINITY;
                rowSum[r] = 0f;
                Arrays.fill(acc, r * dv, (r + 1) * dv, 0f);
                if (r >= n) {
                    lastKey[r] = -1;
                    Arrays.fill(queries, r * d, (r + 1) * d, 0f);
                    continue;
                }
                int row = r0 + r, t = row / g;
                lastKey[r] = p.lastVisibleKey(mask, t);
                keyEnd = Math.max(keyEnd, lastKey[r] + 1);
                int src = qr.row(b, kvh * g + row % g, t);
                for (int i = 0; i < d; i++) queries[r * d + i] = qr.data()[src + i] * scale;
            }
            for (int j0 = 0; j0 < keyEnd; j0 += BLOCK_KEYS) {
                int kb = Math.min(BLOCK_KEYS, keyEnd - j0), kbPad = (kb + KEY_TILE - 1) / KEY_TILE * KEY_TILE;
                packKeys(b, kvh, j0, kb, kbPad);
                int vBase = vr.row(b, kvh, j0);
                for (int r = 0; r < nPad; r += ROW_TILE) {
                    // Causal rows see a prefix of the block: skip the key tiles no row of this tile sees.
                    int tileKeys = Math.min(kb, Math.max(Math.max(lastKey[r], lastKey[r + 1]), Math.max(lastKey[r + 2], lastKey[r + 3])) - j0 + 1);
                    if (tileKeys <= 0) continue;
                    int width = (tileKeys + KEY_TILE - 1) / KEY_TILE * KEY_TILE;
                    if (n - r == 1) { // a lone row (decoding without GQA): 1-row kernels, not 4 rows with 3 of padding
                        scoreRow(queries, r * d, d, keysT, width, scores, r * BLOCK_KEYS);
                        softmaxStep(r, j0, kb, width);
                        valueRow(r, tileKeys, vBase);
                        continue;
                    }
                    for (int c = 0; c < width; c += KEY_TILE) scoreTile(queries, r * d, d, keysT, c, scores, r * BLOCK_KEYS + c);
                    for (int i = r; i < r + ROW_TILE; i++) softmaxStep(i, j0, kb, width);
                    accumulateValues(r, tileKeys, vBase);
                }
            }
            for (int r = 0; r < n; r++) {
                int row = r0 + r, t = row / g, h = kvh * g + row % g;
                int at = (b * p.queryHeads() + h) * p.queries() + t;
                float sum = rowSum[r];
                // Exactly 0 only when no key was visible; a NaN sum must reach the output, not hide as "masked".
                if (sum != 0f) {
                    float inv = 1f / sum;
                    float[] out = or.data();
                    int o = or.row(b, h, t);
                    for (int i = 0; i < dv; i++) out[o + i] = acc[r * dv + i] * inv;
                    lse[at] = rowMax[r] + (float) Math.log(sum);
                } else {
                    lse[at] = Float.NEGATIVE_INFINITY; // nothing visible: the output row stays zero
                }
            }
        }

        /** Keys {@code [j0, j0 + kb)} into {@code keysT} transposed, zero columns up to {@code kbPad}, and their padding bias. */
        private void packKeys(int b, int kvh, int j0, int kb, int kbPad) {
            float[] src = kr.data();
            for (int j = 0; j < kb; j++) {
                int at = kr.row(b, kvh, j0 + j);
                for (int i = 0; i < d; i++) keysT[i * BLOCK_KEYS + j] = src[at + i];
            }
            for (int i = 0; i < d; i++) Arrays.fill(keysT, i * BLOCK_KEYS + kb, i * BLOCK_KEYS + kbPad, 0f);
            for (int j = 0; j < kbPad; j++)
                blockBias[j] = j >= kb ? Float.NEGATIVE_INFINITY : keyBias == null ? 0f : keyBias[b * p.keys() + j0 + j];
        }

        /**
         * Masks row {@code r}'s scores of this key block (the first {@code width} columns, the rest being unseen by
         * its row tile), folds them into the running maximum and sum, rescales
         * the row's output so far, and leaves the block's unnormalised probabilities in {@code scores}.
         */
        private void softmaxStep(int r, int j0, int kb, int width) {
            int so = r * BLOCK_KEYS;
            int visible = Math.min(kb, lastKey[r] - j0 + 1);
            if (visible <= 0) {
                Arrays.fill(scores, so, so + width, 0f);
                return;
            }
            FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (int c = 0; c < width; c += LANES) {
                FloatVector s = FloatVector.fromArray(SPECIES, scores, so + c).add(FloatVector.fromArray(SPECIES, blockBias, c));
                s.intoArray(scores, so + c);
                max = max.max(s);
            }
            int end = Math.min(kb, width);
            for (int c = visible; c < end; c++) scores[so + c] = Float.NEGATIVE_INFINITY; // causal: keys after this query
            float blockMax = visible == end ? max.reduceLanes(VectorOperators.MAX) : maxOf(scores, so, visible);
            if (blockMax == Float.NEGATIVE_INFINITY) {
                Arrays.fill(scores, so, so + width, 0f);
                return;
            }
            float newMax = Math.max(rowMax[r], blockMax);
            FloatVector shift = FloatVector.broadcast(SPECIES, newMax);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int c = 0; c < width; c += LANES) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(SPECIES, scores, so + c).sub(shift));
                e.intoArray(scores, so + c);
                sum = sum.add(e);
            }
            float correction = (float) Math.exp(rowMax[r] - newMax); // 0 on the first visible block (max was -inf)
            rowSum[r] = rowSum[r] * correction + VectorMath.sum(sum);
            rowMax[r] = newMax;
            if (correction != 1f) scaleRow(acc, r * dv, dv, correction);
        }

        /** {@code acc[r..r+3] += P[r..r+3, 0..kb) V[j0..j0+kb)}, vectorised along the value dimension. */
        private void accumulateValues(int r, int kb, int vBase) {
            int c = 0;
            for (; c + 2 * LANES <= dv; c += 2 * LANES) valueTile2(r, c, kb, vBase);
            for (; c + LANES <= dv; c += LANES) valueTile1(r, c, kb, vBase);
            for (; c < dv; c++) {
                for (int i = 0; i < ROW_TILE; i++) {
                    float a = acc[(r + i) * dv + c];
                    int so = (r + i) * BLOCK_KEYS;
                    for (int j = 0; j < kb; j++) a += scores[so + j] * vr.data()[vBase + j * vr.strideT() + c];
                    acc[(r + i) * dv + c] = a;
                }
            }
        }

        private void valueTile2(int r, int c, int kb, int vBase) {
            float[] v = vr.data(), s = scores;
            int vs = vr.strideT();
            int a0 = r * dv + c, a1 = a0 + dv, a2 = a1 + dv, a3 = a2 + dv;
            int s0 = r * BLOCK_KEYS, s1 = s0 + BLOCK_KEYS, s2 = s1 + BLOCK_KEYS, s3 = s2 + BLOCK_KEYS;
            FloatVector x00 = FloatVector.fromArray(SPECIES, acc, a0), x01 = FloatVector.fromArray(SPECIES, acc, a0 + LANES);
            FloatVector x10 = FloatVector.fromArray(SPECIES, acc, a1), x11 = FloatVector.fromArray(SPECIES, acc, a1 + LANES);
            FloatVector x20 = FloatVector.fromArray(SPECIES, acc, a2), x21 = FloatVector.fromArray(SPECIES, acc, a2 + LANES);
            FloatVector x30 = FloatVector.fromArray(SPECIES, acc, a3), x31 = FloatVector.fromArray(SPECIES, acc, a3 + LANES);
            for (int j = 0, vo = vBase + c; j < kb; j++, vo += vs) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, v, vo), v1 = FloatVector.fromArray(SPECIES, v, vo + LANES);
                FloatVector p0 = FloatVector.broadcast(SPECIES, s[s0 + j]);
                x00 = v0.fma(p0, x00);
                x01 = v1.fma(p0, x01);
                FloatVector p1 = FloatVector.broadcast(SPECIES, s[s1 + j]);
                x10 = v0.fma(p1, x10);
                x11 = v1.fma(p1, x11);
                FloatVector p2 = FloatVector.broadcast(SPECIES, s[s2 + j]);
                x20 = v0.fma(p2, x20);
                x21 = v1.fma(p2, x21);
                FloatVector p3 = FloatVector.broadcast(SPECIES, s[s3 + j]);
                x30 = v0.fma(p3, x30);
                x31 = v1.fma(p3, x31);
            }
            x00.intoArray(acc, a0);
            x01.intoArray(acc, a0 + LANES);
            x10.intoArray(acc, a1);
            x11.intoArray(acc, a1 + LANES);
            x20.intoArray(acc, a2);
            x21.intoArray(acc, a2 + LANES);
            x30.intoArray(acc, a3);
            x31.intoArray(acc, a3 + LANES);
        }

        /** {@code acc[r] += P[r, 0..kb) V[j0..j0+kb)} for one row; four independent accumulators hide the FMA latency. */
        private void valueRow(int r, int kb, int vBase) {
            float[] v = vr.data(), s = scores;
            int vs = vr.strideT(), so = r * BLOCK_KEYS, c = 0;
            for (; c + 4 * LANES <= dv; c += 4 * LANES) {
                int a = r * dv + c;
                FloatVector x0 = FloatVector.fromArray(SPECIES, acc, a), x1 = FloatVector.fromArray(SPECIES, acc, a + LANES);
                FloatVector x2 = FloatVector.fromArray(SPECIES, acc, a + 2 * LANES), x3 = FloatVector.fromArray(SPECIES, acc, a + 3 * LANES);
                for (int j = 0, vo = vBase + c; j < kb; j++, vo += vs) {
                    FloatVector pj = FloatVector.broadcast(SPECIES, s[so + j]);
                    x0 = FloatVector.fromArray(SPECIES, v, vo).fma(pj, x0);
                    x1 = FloatVector.fromArray(SPECIES, v, vo + LANES).fma(pj, x1);
                    x2 = FloatVector.fromArray(SPECIES, v, vo + 2 * LANES).fma(pj, x2);
                    x3 = FloatVector.fromArray(SPECIES, v, vo + 3 * LANES).fma(pj, x3);
                }
                x0.intoArray(acc, a);
                x1.intoArray(acc, a + LANES);
                x2.intoArray(acc, a + 2 * LANES);
                x3.intoArray(acc, a + 3 * LANES);
            }
            for (; c + LANES <= dv; c += LANES) {
                int a = r * dv + c;
                FloatVector x = FloatVector.fromArray(SPECIES, acc, a);
                for (int j = 0, vo = vBase + c; j < kb; j++, vo += vs) x = FloatVector.fromArray(SPECIES, v, vo).fma(FloatVector.broadcast(SPECIES, s[so + j]), x);
                x.intoArray(acc, a);
            }
            for (; c < dv; c++) {
                float a = acc[r * dv + c];
                for (int j = 0; j < kb; j++) a += s[so + j] * v[vBase + j * vs + c];
                acc[r * dv + c] = a;
            }
        }

        private void valueTile1(int r, int c, int kb, int vBase) {
            float[] v = vr.data(), s = scores;
            int vs = vr.strideT();
            int a0 = r * dv + c, a1 = a0 + dv, a2 = a1 + dv, a3 = a2 + dv;
            int s0 = r * BLOCK_KEYS, s1 = s0 + BLOCK_KEYS, s2 = s1 + BLOCK_KEYS, s3 = s2 + BLOCK_KEYS;
            FloatVector x0 = FloatVector.fromArray(SPECIES, acc, a0), x1 = FloatVector.fromArray(SPECIES, acc, a1);
            FloatVector x2 = FloatVector.fromArray(SPECIES, acc, a2), x3 = FloatVector.fromArray(SPECIES, acc, a3);
            for (int j = 0, vo = vBase + c; j < kb; j++, vo += vs) {
                FloatVector v0 = FloatVector.fromArray(SPECIES, v, vo);
                x0 = v0.fma(FloatVector.broadcast(SPECIES, s[s0 + j]), x0);
                x1 = v0.fma(FloatVector.broadcast(SPECIES, s[s1 + j]), x1);
                x2 = v0.fma(FloatVector.broadcast(SPECIES, s[s2 + j]), x2);
                x3 = v0.fma(FloatVector.broadcast(SPECIES, s[s3 + j]), x3);
            }
            x0.intoArray(acc, a0);
            x1.intoArray(acc, a1);
            x2.intoArray(acc, a2);
            x3.intoArray(acc, a3);
        }
    }

    /**
     * Scores of 4 query rows against {@code KEY_TILE} keys: {@code s[i][c..] = sum_k q[i][k] * keysT[k][c..]}.
     * Vectorised across keys, so the head dimension needs no tail and no horizontal sums.
     */
    private static void scoreTile(float[] q, int qo, int d, float[] keysT, int c, float[] s, int so) {
        FloatVector x00 = FloatVector.zero(SPECIES), x01 = x00, x10 = x00, x11 = x00, x20 = x00, x21 = x00, x30 = x00, x31 = x00;
        int q1 = qo + d, q2 = q1 + d, q3 = q2 + d;
        for (int i = 0, ko = c; i < d; i++, ko += BLOCK_KEYS) {
            FloatVector k0 = FloatVector.fromArray(SPECIES, keysT, ko), k1 = FloatVector.fromArray(SPECIES, keysT, ko + LANES);
            FloatVector p0 = FloatVector.broadcast(SPECIES, q[qo + i]);
            x00 = k0.fma(p0, x00);
            x01 = k1.fma(p0, x01);
            FloatVector p1 = FloatVector.broadcast(SPECIES, q[q1 + i]);
            x10 = k0.fma(p1, x10);
            x11 = k1.fma(p1, x11);
            FloatVector p2 = FloatVector.broadcast(SPECIES, q[q2 + i]);
            x20 = k0.fma(p2, x20);
            x21 = k1.fma(p2, x21);
            FloatVector p3 = FloatVector.broadcast(SPECIES, q[q3 + i]);
            x30 = k0.fma(p3, x30);
            x31 = k1.fma(p3, x31);
        }
        x00.intoArray(s, so);
        x01.intoArray(s, so + LANES);
        x10.intoArray(s, so + BLOCK_KEYS);
        x11.intoArray(s, so + BLOCK_KEYS + LANES);
        x20.intoArray(s, so + 2 * BLOCK_KEYS);
        x21.intoArray(s, so + 2 * BLOCK_KEYS + LANES);
        x30.intoArray(s, so + 3 * BLOCK_KEYS);
        x31.intoArray(s, so + 3 * BLOCK_KEYS + LANES);
    }

    private static float[] heapFloats(Tensor fresh) {
        if (fresh.hostSegment().heapBase().orElse(null) instanceof float[] a) return a;
        throw new IllegalArgumentException("attention output " + fresh + " has " + fresh.numel() + " elements, more than one Java array holds");
    }

    /** Scores of one query row against the first {@code width} keys (a multiple of {@code KEY_TILE}). */
    private static void scoreRow(float[] q, int qo, int d, float[] keysT, int width, float[] s, int so) {
        int c = 0;
        for (; c + 2 * KEY_TILE <= width; c += 2 * KEY_TILE) {
            FloatVector x0 = FloatVector.zero(SPECIES), x1 = x0, x2 = x0, x3 = x0;
            for (int i = 0, ko = c; i < d; i++, ko += BLOCK_KEYS) {
                FloatVector qi = FloatVector.broadcast(SPECIES, q[qo + i]);
                x0 = FloatVector.fromArray(SPECIES, keysT, ko).fma(qi, x0);
                x1 = FloatVector.fromArray(SPECIES, keysT, ko + LANES).fma(qi, x1);
                x2 = FloatVector.fromArray(SPECIES, keysT, ko + 2 * LANES).fma(qi, x2);
                x3 = FloatVector.fromArray(SPECIES, keysT, ko + 3 * LANES).fma(qi, x3);
            }
            x0.intoArray(s, so + c);
            x1.intoArray(s, so + c + LANES);
            x2.intoArray(s, so + c + 2 * LANES);
            x3.intoArray(s, so + c + 3 * LANES);
        }
        for (; c < width; c += LANES) {
            FloatVector x = FloatVector.zero(SPECIES);
            for (int i = 0, ko = c; i < d; i++, ko += BLOCK_KEYS) x = FloatVector.fromArray(SPECIES, keysT, ko).fma(FloatVector.broadcast(SPECIES, q[qo + i]), x);
            x.intoArray(s, so + c);
        }
    }

    private static void scaleRow(float[] a, int at, int n, float factor) {
        int c = 0;
        FloatVector f = FloatVector.broadcast(SPECIES, factor);
        for (; c + LANES <= n; c += LANES) FloatVector.fromArray(SPECIES, a, at + c).mul(f).intoArray(a, at + c);
        for (; c < n; c++) a[at + c] *= factor;
    }

    private static float maxOf(float[] a, int at, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) m = Math.max(m, a[at + c]);
        return m;
    }
}

package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU backward kernels against their double-precision twins in {@link ReferenceBackend}, on odd sizes
 * (1, 7, 17, 33, 37: not multiples of any vector length) and non-contiguous views. The CPU kernels read
 * F32 and accumulate in double, so they differ from the twin only by F32 rounding of inputs/outputs and
 * float accumulations: 2e-5 relative (plus 1e-6 absolute for values near 0) bounds that with margin.
 */
class CpuBackwardTest {
    private static final Backend CPU = Backends.cpu();
    private static final ReferenceBackend REF = ReferenceBackend.INSTANCE;
    private static final double RTOL = 2e-5, ATOL = 1e-6;

    private static Tensor rand(Random r, float lo, float hi, int... shape) {
        float[] d = new float[(int) org.efuf4j.tensor.Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * r.nextFloat();
        return Tensor.of(d, shape);
    }

    private static Tensor rand(Random r, int... shape) { return rand(r, -1f, 1f, shape); }

    /** A {@code [rows, cols]} view with column-major strides (transposed storage). */
    private static Tensor strided(Random r, int rows, int cols) { return rand(r, cols, rows).transpose(0, 1); }

    private static Tensor ref(Tensor host) { return REF.fromHost(host); }

    private static void close(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double[] e = ReferenceBackend.read(expected);
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++)
            assertTrue(Math.abs(e[i] - a[i]) <= ATOL + RTOL * Math.abs(e[i]), what + " element " + i + ": expected " + e[i] + ", got " + a[i]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 17, 33})
    void unaryBackwardAllOps(int cols) {
        Random r = new Random(cols);
        for (UnaryOp op : UnaryOp.values()) {
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.RECIPROCAL;
            Tensor x = positive ? rand(r, 0.5f, 3f, 3, cols) : rand(r, -3f, 3f, 3, cols);
            Tensor dy = strided(r, 3, cols);
            close(op + " backward", REF.unaryBackward(op, ref(x), ref(dy)), CPU.unaryBackward(op, x, dy));
        }
    }

    @Test
    void vectorisedActivationDerivativesOverAWideRange() {
        Random r = new Random(42);
        // 1003 elements: whole vectors plus a tail; |x| up to 12 reaches exp under/overflow in the sigmoids and erf's tails.
        Tensor x = rand(r, -12f, 12f, 1003), dy = rand(r, 1003);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU_ERF, UnaryOp.GELU_TANH, UnaryOp.QUICK_GELU, UnaryOp.SILU, UnaryOp.SIGMOID, UnaryOp.TANH})
            close(op + " backward (wide range)", REF.unaryBackward(op, ref(x), ref(dy)), CPU.unaryBackward(op, x, dy));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33})
    void softmaxAndLogSoftmaxBackward(int cols) {
        Random r = new Random(cols + 100);
        Tensor y = REF.toHost(REF.softmax(ref(rand(r, -2f, 2f, 5, cols))));
        Tensor dy = strided(r, 5, cols);
        close("softmax backward", REF.softmaxBackward(ref(y), ref(dy)), CPU.softmaxBackward(y, dy));
        Tensor ly = REF.toHost(REF.logSoftmax(ref(rand(r, -2f, 2f, 5, cols))));
        close("log-softmax backward", REF.logSoftmaxBackward(ref(ly), ref(dy)), CPU.logSoftmaxBackward(ly, dy));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 37, 256, 301})
    void normBackward(int cols) {
        Random r = new Random(cols + 200);
        int rows = 41; // more rows than the fixed row blocks, not a multiple of them
        Tensor x = strided(r, rows, cols), w = rand(r, cols), dy = rand(r, rows, cols);
        Backend.NormGrads e = REF.layerNormBackward(ref(x), ref(w), true, 1e-5f, ref(dy)), a = CPU.layerNormBackward(x, w, true, 1e-5f, dy);
        close("layerNorm dx", e.dx(), a.dx());
        close("layerNorm dWeight", e.dWeight(), a.dWeight());
        close("layerNorm dBias", e.dBias(), a.dBias());
        Backend.NormGrads noAffine = CPU.layerNormBackward(x, null, false, 1e-5f, dy);
        assertNull(noAffine.dWeight());
        close("layerNorm dx without affine", REF.layerNormBackward(ref(x), null, false, 1e-5f, ref(dy)).dx(), noAffine.dx());
        Backend.NormGrads re = REF.rmsNormBackward(ref(x), ref(w), 1e-6f, ref(dy)), ra = CPU.rmsNormBackward(x, w, 1e-6f, dy);
        close("rmsNorm dx", re.dx(), ra.dx());
        close("rmsNorm dWeight", re.dWeight(), ra.dWeight());
    }

    @Test
    void attentionBackwardMasksAndGqa() {
        Random r = new Random(300);
        Tensor pad = Tensor.ofLongs(new long[] {1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0}, 2, 7);
        AttentionMask[] masks = {AttentionMask.NONE, AttentionMask.CAUSAL, AttentionMask.padding(pad), AttentionMask.causal(pad, 2)};
        for (AttentionMask m : masks) {
            int tq = m.queryOffset() > 0 ? 5 : 7;
            Tensor q = rand(r, 2, 6, tq, 9), k = rand(r, 2, 2, 7, 9), v = rand(r, 2, 2, 7, 9), dOut = rand(r, 2, 6, tq, 9);
            Tensor out = REF.toHost(REF.attention(ref(q), ref(k), ref(v), m, 0.33f));
            Backend.AttentionGrads e = REF.attentionBackward(ref(q), ref(k), ref(v), m, 0.33f, ref(out), ref(dOut));
            Backend.AttentionGrads a = CPU.attentionBackward(q, k, v, m, 0.33f, out, dOut);
            close("attention dq " + m, e.dq(), a.dq());
            close("attention dk " + m, e.dk(), a.dk());
            close("attention dv " + m, e.dv(), a.dv());
        }
        // A fully masked query row (causal, offset 0, first key padded) gets zero gradients.
        Tensor allPad = Tensor.ofLongs(new long[] {0, 1, 1}, 1, 3);
        Tensor q = rand(r, 1, 1, 3, 4), k = rand(r, 1, 1, 3, 4), v = rand(r, 1, 1, 3, 4), dOut = rand(r, 1, 1, 3, 4);
        AttentionMask m = AttentionMask.causal(allPad, 0);
        Tensor out = REF.toHost(REF.attention(ref(q), ref(k), ref(v), m, 0.5f));
        float[] dq = CPU.attentionBackward(q, k, v, m, 0.5f, out, dOut).dq().toFloatArray();
        for (int c = 0; c < 4; c++) assertEquals(0f, dq[c]);
    }

    @Test
    void attentionReadsSplitHeadsInPlaceAndReturnsThemMergeable() {
        // heads split from projections [B, T, H*D] (strided views), as multi-head attention makes them: the results
        // come back token-major, so merging heads back ([B, H, T, D] -> [B, T, H*D]) needs no copy
        Random r = new Random(302);
        int b = 2, hq = 4, hkv = 2, t = 11, d = 8;
        Tensor q = split(rand(r, b, t, hq * d), hq), k = split(rand(r, b, t, hkv * d), hkv), v = split(rand(r, b, t, hkv * d), hkv);
        for (AttentionMask m : new AttentionMask[] {AttentionMask.NONE, AttentionMask.CAUSAL}) {
            Tensor out = CPU.attention(q, k, v, m, 0.3f);
            assertTrue(out.transpose(1, 2).isContiguous(), "attention output of split heads should be stored token-major");
            close("attention forward on split heads " + m, REF.attention(ref(q), ref(k), ref(v), m, 0.3f), out);
            Tensor dOut = split(rand(r, b, t, hq * d), hq);
            Backend.AttentionGrads e = REF.attentionBackward(ref(q), ref(k), ref(v), m, 0.3f, ref(out), ref(dOut));
            Backend.AttentionGrads a = CPU.attentionBackward(q, k, v, m, 0.3f, out, dOut);
            close("attention dq on split heads " + m, e.dq(), a.dq());
            close("attention dk on split heads " + m, e.dk(), a.dk());
            close("attention dv on split heads " + m, e.dv(), a.dv());
            for (Tensor g : new Tensor[] {a.dq(), a.dk(), a.dv()})
                assertTrue(g.transpose(1, 2).isContiguous(), "gradient of split heads should be stored token-major");
        }
        // head-major inputs keep head-major (contiguous) results
        Tensor qc = rand(r, b, hq, t, d), kc = rand(r, b, hkv, t, d), vc = rand(r, b, hkv, t, d);
        Tensor outc = CPU.attention(qc, kc, vc, AttentionMask.CAUSAL, 0.3f);
        assertTrue(outc.isContiguous());
        assertTrue(CPU.attentionBackward(qc, kc, vc, AttentionMask.CAUSAL, 0.3f, outc, rand(r, b, hq, t, d)).dq().isContiguous());
    }

    private static Tensor split(Tensor x, int heads) {
        return x.reshape(x.dim(0), x.dim(1), heads, x.dim(2) / heads).transpose(1, 2);
    }

    @Test
    void attentionBackwardOnLongerRowsAndHeadSizes() {
        // key counts across and off the vector length, head sizes of the embedded world (16), odd ones and LLaMA-like 64
        Random r = new Random(301);
        int[][] shapes = {{1, 2, 1, 17, 17, 16}, {2, 4, 2, 33, 33, 33}, {1, 2, 2, 9, 70, 64}, {1, 3, 1, 65, 65, 16}};
        for (int[] sh : shapes) {
            int b = sh[0], hq = sh[1], hkv = sh[2], tq = sh[3], tk = sh[4], d = sh[5];
            long[] keep = new long[b * tk];
            for (int i = 0; i < keep.length; i++) keep[i] = r.nextInt(5) == 0 ? 0 : 1;
            keep[0] = 1;
            Tensor pad = Tensor.ofLongs(keep, b, tk);
            AttentionMask[] masks = {AttentionMask.NONE, AttentionMask.CAUSAL, AttentionMask.padding(pad), AttentionMask.causal(pad, tk - tq)};
            for (AttentionMask m : masks) {
                if (m.causal() && m.queryOffset() == 0 && tq != tk) continue;
                Tensor q = rand(r, b, hq, tq, d), k = rand(r, b, hkv, tk, d), v = rand(r, b, hkv, tk, d), dOut = rand(r, b, hq, tq, d);
                Tensor out = REF.toHost(REF.attention(ref(q), ref(k), ref(v), m, 0.25f));
                Backend.AttentionGrads e = REF.attentionBackward(ref(q), ref(k), ref(v), m, 0.25f, ref(out), ref(dOut));
                Backend.AttentionGrads a = CPU.attentionBackward(q, k, v, m, 0.25f, out, dOut);
                String what = java.util.Arrays.toString(sh) + " " + m;
                close("attention dq " + what, e.dq(), a.dq());
                close("attention dk " + what, e.dk(), a.dk());
                close("attention dv " + what, e.dv(), a.dv());
            }
        }
    }

    @Test
    void attentionBackwardKeepsNaNOfPaddedKeysOut() {
        // padded keys may hold garbage (NaN): the masked probabilities are exactly zero, so no gradient may see it
        Random r = new Random(302);
        int tk = 11, d = 16;
        long[] keep = new long[tk];
        java.util.Arrays.fill(keep, 1);
        keep[7] = 0;
        keep[10] = 0;
        Tensor pad = Tensor.ofLongs(keep, 1, tk);
        float[] kd = rand(r, 1, 1, tk, d).toFloatArray(), vd = rand(r, 1, 1, tk, d).toFloatArray();
        Tensor q = rand(r, 1, 2, tk, d), dOut = rand(r, 1, 2, tk, d);
        Tensor kClean = Tensor.of(kd.clone(), 1, 1, tk, d), vClean = Tensor.of(vd.clone(), 1, 1, tk, d);
        for (int c = 0; c < d; c++) {
            kd[7 * d + c] = Float.NaN;
            vd[10 * d + c] = Float.NaN;
        }
        Tensor k = Tensor.of(kd, 1, 1, tk, d), v = Tensor.of(vd, 1, 1, tk, d);
        AttentionMask m = AttentionMask.padding(pad);
        Tensor out = REF.toHost(REF.attention(ref(q), ref(kClean), ref(vClean), m, 0.25f));
        Backend.AttentionGrads clean = CPU.attentionBackward(q, kClean, vClean, m, 0.25f, out, dOut);
        Backend.AttentionGrads dirty = CPU.attentionBackward(q, k, v, m, 0.25f, out, dOut);
        assertArrayEquals(clean.dq().toFloatArray(), dirty.dq().toFloatArray());
        float[] dkClean = clean.dk().toFloatArray(), dkDirty = dirty.dk().toFloatArray();
        for (int i = 0; i < dkClean.length; i++) assertEquals(dkClean[i], dkDirty[i], "dk element " + i);
    }

    @Test
    void crossEntropyForwardAndBackward() {
        Random r = new Random(400);
        Tensor logits = rand(r, -3f, 3f, 6, 37);
        Tensor targets = Tensor.ofLongs(new long[] {5, -100, 0, 36, -100, 12}, 6);
        Backend.CrossEntropy e = REF.crossEntropy(ref(logits), targets), a = CPU.crossEntropy(logits, targets);
        close("cross-entropy loss", e.loss(), a.loss());
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1}, a.valid().toFloatArray());
        Tensor dLoss = rand(r, 6);
        close("cross-entropy backward", REF.crossEntropyBackward(ref(logits), targets, ref(dLoss)), CPU.crossEntropyBackward(logits, targets, dLoss));
        // Logits far from zero (F32 spacing 1e-3 there) and rows wider than several vectors: the F32
        // exponentials are taken relative to the row maximum, so the scale costs no precision.
        Tensor far = rand(r, 4990f, 5010f, 6, 203);
        close("cross-entropy loss, logits near 5000", REF.crossEntropy(ref(far), targets).loss(), CPU.crossEntropy(far, targets).loss());
        close("cross-entropy backward, logits near 5000", REF.crossEntropyBackward(ref(far), targets, ref(dLoss)), CPU.crossEntropyBackward(far, targets, dLoss));
    }

    @Test
    void embeddingScatterAdd() {
        Random r = new Random(500);
        Tensor ids = Tensor.ofInts(new int[] {3, 0, 3, 3, 8, 1, 0}, 7);
        Tensor dy = strided(r, 7, 33);
        close("embedding backward", REF.embeddingBackward(ids, ref(dy), 9), CPU.embeddingBackward(ids, dy, 9));
    }

    @Test
    void dropoutMaskIsBackendIndependent() {
        Tensor a = CPU.dropoutMask(0.25f, 77L, 40, 50);
        close("dropout mask", REF.dropoutMask(0.25f, 77L, 40, 50), a);
        float[] m = a.toFloatArray();
        int zeros = 0;
        for (float x : m) { if (x == 0f) zeros++; else assertEquals(1f / 0.75f, x); }
        // 2000 Bernoulli(0.25) draws: mean 500, sd ~19.4; 5 sd is a loose but meaningful band.
        assertTrue(Math.abs(zeros - 500) < 100, "zeros " + zeros);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 37, 1003, 40009}) // the last splits over pool threads
    void optimizerStepsMatchTheTwin(int n) {
        Random r = new Random(n);
        Tensor p = rand(r, n), g = rand(r, n), m = rand(r, 0f, 0.1f, n), v = rand(r, 0f, 0.1f, n);
        Tensor rp = ref(p), rm = ref(m), rv = ref(v);
        Tensor cp = CPU.contiguous(p), cm = CPU.contiguous(m), cv = CPU.contiguous(v);
        for (long step = 1; step <= 3; step++) {
            REF.adamW(rp, ref(g), rm, rv, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, step);
            CPU.adamW(cp, g, cm, cv, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, step);
        }
        close("adamW param", rp, cp);
        close("adamW m", rm, cm);
        close("adamW v", rv, cv);
        Tensor sp = CPU.contiguous(p), sb = CPU.zeros(org.efuf4j.tensor.DType.F32, n), rsp = ref(p), rsb = REF.zeros(org.efuf4j.tensor.DType.F32, n);
        for (int step = 0; step < 3; step++) {
            CPU.sgd(sp, g, sb, 0.1f, 0.9f, 0.1f, 0.01f, false, step == 0);
            REF.sgd(rsp, ref(g), rsb, 0.1f, 0.9f, 0.1f, 0.01f, false, step == 0);
        }
        close("sgd param", rsp, sp);
    }
}

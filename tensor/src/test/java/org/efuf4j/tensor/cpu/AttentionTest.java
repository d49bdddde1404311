package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The flash-style kernel against ref64 ({@link Ref64#attention}: ref64's attention output, and the log-sum-exp of
 * each query's visible scores composed from ref64 ops, -inf where a query sees no key) on random shapes, masks
 * (padding, causal offsets, GQA and MQA, fully masked rows) and layouts; a KV-cache walk against full causal
 * attention; parity with PyTorch.
 *
 * <p>Tolerance: ref64 accumulates in double, the kernel in float over D products and Tk
 * probability-weighted values (|v| of a few units, weights summing to 1). Each output element is a
 * convex combination of values, so float rounding gives errors of a few ulp of the largest |v| involved;
 * a score error of |s| ulp becomes a relative error of the same size in its weight, so sharp softmaxes
 * (large scale) err most. {@code |got - want| <= 1e-5 + 1e-5 |want|}: observed worst 5e-7 at the usual
 * scale 1/sqrt(D) up to D = 128, Tk = 200, and 3.6e-6 at scale 2 (scores up to ~20), while any masking or
 * indexing error shows up as an O(0.1) difference. The log-sum-exp (a max plus the log of a sum of at most Tk
 * exponentials of F32 scores) is held to the same bound, and -inf must be matched exactly.
 */
class AttentionTest {
    private static final float ABS = 1e-5f, REL = 1e-5f;

    /** How a {@code [B, H, T, D]} input is laid out in memory. */
    enum Layout {
        CONTIGUOUS,
        /** {@code [B, T, H, D]} transposed, as a projection output split into heads. */
        TOKEN_MAJOR,
        /** Rows padded to D + 3 floats: a slice of a wider last axis. */
        PADDED_ROWS,
        /** {@code [B, H, D, T]} transposed: the last axis is strided, so the kernel must copy. */
        STRIDED_HEAD_DIM,
        /** One head broadcast to all heads with stride 0 (an expanded view). */
        EXPANDED_HEADS
    }

    record Case(String name, int b, int hq, int hkv, int tq, int tk, int d, int dv, boolean causal, int offset, boolean padding, Layout layout, float scale) {
        Case(String name, int b, int hq, int hkv, int tq, int tk, int d, boolean causal, int offset, boolean padding, Layout layout) {
            this(name, b, hq, hkv, tq, tk, d, d, causal, offset, padding, layout, (float) (1 / Math.sqrt(d)));
        }
    }

    /** A NaN in a key a query can see must reach that query's output (training guards look for NaN losses). */
    @Test
    void nanInAVisibleKeyReachesTheOutput() {
        for (int t : new int[] {1, 5, 40, 70}) {
            Random r = new Random(t);
            float[] q = new float[2 * t * 16], k = new float[q.length], v = new float[q.length];
            for (int i = 0; i < q.length; i++) { q[i] = r.nextFloat(); k[i] = r.nextFloat(); v[i] = r.nextFloat(); }
            int nanKey = t / 2;
            for (int i = 0; i < 16; i++) k[nanKey * 16 + i] = Float.NaN;
            float[] o = CpuBackend.INSTANCE.attention(Tensor.of(q, 1, 2, t, 16), Tensor.of(k, 1, 2, t, 16), Tensor.of(v, 1, 2, t, 16),
                    AttentionMask.CAUSAL, 0.25f).toFloatArray();
            for (int row = nanKey; row < t; row++)
                assertTrue(Float.isNaN(o[row * 16]), "t=" + t + ": row " + row + " sees the NaN key " + nanKey + " but its output is " + o[row * 16]);
        }
    }

    @Test
    void matchesReferenceOnRandomShapesMasksAndLayouts() {
        List<Case> cases = List.of(
                new Case("single query", 1, 1, 1, 1, 9, 16, false, 0, false, Layout.CONTIGUOUS),
                new Case("single key", 2, 2, 2, 5, 1, 12, false, 0, false, Layout.CONTIGUOUS),
                new Case("single key causal", 2, 2, 1, 3, 1, 12, true, 0, false, Layout.TOKEN_MAJOR),
                new Case("odd head dim 7", 2, 3, 3, 11, 13, 7, true, 0, true, Layout.CONTIGUOUS),
                new Case("head dim 12", 1, 4, 2, 9, 9, 12, true, 0, false, Layout.TOKEN_MAJOR),
                new Case("head dim 64, many blocks", 1, 2, 2, 70, 150, 64, true, 80, true, Layout.TOKEN_MAJOR),
                new Case("head dim 80", 2, 4, 1, 33, 65, 80, true, 32, false, Layout.PADDED_ROWS),
                new Case("head dim 128 GQA 4", 1, 8, 2, 17, 130, 128, false, 0, true, Layout.TOKEN_MAJOR),
                new Case("GQA 3 odd rows", 3, 6, 2, 13, 29, 16, true, 16, true, Layout.PADDED_ROWS),
                new Case("MHA decode head dim 128", 2, 4, 4, 1, 150, 128, true, 149, true, Layout.TOKEN_MAJOR),
                new Case("MHA decode head dim 80", 1, 3, 3, 1, 70, 80, true, 69, false, Layout.PADDED_ROWS),
                new Case("lone last row, head dim 7", 2, 2, 2, 5, 66, 7, true, 61, true, Layout.CONTIGUOUS),
                new Case("MQA decode", 2, 8, 1, 1, 77, 64, true, 76, true, Layout.CONTIGUOUS),
                new Case("strided head dim", 2, 4, 2, 10, 21, 24, true, 11, true, Layout.STRIDED_HEAD_DIM),
                new Case("expanded heads", 2, 4, 2, 19, 33, 20, true, 14, false, Layout.EXPANDED_HEADS),
                new Case("non-causal more queries than keys", 1, 2, 1, 45, 7, 9, false, 0, true, Layout.CONTIGUOUS),
                new Case("sharp softmax", 1, 2, 2, 40, 200, 32, 32, true, 160, false, Layout.CONTIGUOUS, 2.0f));
        Random rnd = new Random(20261128);
        for (Case c : cases) {
            Tensor q = random(rnd, c.layout, c.b, c.hq, c.tq, c.d);
            Tensor k = random(rnd, c.layout, c.b, c.hkv, c.tk, c.d);
            Tensor v = random(rnd, c.layout, c.b, c.hkv, c.tk, c.dv);
            Tensor pad = c.padding ? randomPadding(rnd, c.b, c.tk, DType.I64) : null;
            AttentionMask mask = new AttentionMask(c.causal, pad, c.offset);
            assertSameForward(c.name, Ref64.attention(q, k, v, mask, c.scale), CpuAttention.forward(q, k, v, mask, c.scale));
        }
    }

    @Test
    void halfPrecisionInputsAreWidened() {
        Random rnd = new Random(7);
        for (DType half : new DType[] {DType.BF16, DType.F16}) {
            Tensor q = Tensor.ofHalf(half, gaussian(rnd, 2 * 4 * 9 * 16), 2, 4, 9, 16);
            Tensor k = Tensor.ofHalf(half, gaussian(rnd, 2 * 2 * 19 * 16), 2, 2, 19, 16);
            Tensor v = Tensor.ofHalf(half, gaussian(rnd, 2 * 2 * 19 * 16), 2, 2, 19, 16);
            AttentionMask mask = AttentionMask.causal(randomPadding(rnd, 2, 19, DType.F32), 10);
            assertSameForward(half.name(), Ref64.attention(q, k, v, mask, 0.25f), CpuAttention.forward(q, k, v, mask, 0.25f));
        }
    }

    @Test
    void paddingMaskAcceptsAnyIntegerOrFloatDtype() {
        Random rnd = new Random(11);
        Tensor q = random(rnd, Layout.CONTIGUOUS, 2, 2, 5, 8);
        Tensor k = random(rnd, Layout.CONTIGUOUS, 2, 2, 6, 8);
        Tensor v = random(rnd, Layout.CONTIGUOUS, 2, 2, 6, 8);
        long[] keep = {1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0};
        Tensor want = CpuAttention.attention(q, k, v, AttentionMask.padding(Tensor.ofLongs(keep, 2, 6)), 0.3f);
        float[] asFloat = new float[keep.length];
        int[] asInt = new int[keep.length];
        for (int i = 0; i < keep.length; i++) { asFloat[i] = keep[i] * 0.5f; asInt[i] = (int) keep[i] * 3; }
        Tensor bool = Tensor.zeros(DType.BOOL, 2, 6);
        for (int i = 0; i < keep.length; i++) bool.setFloat(keep[i], i / 6, i % 6);
        long[] keyMajor = new long[keep.length];
        for (int i = 0; i < keep.length; i++) keyMajor[(i % 6) * 2 + i / 6] = keep[i];
        Tensor stridedView = Tensor.ofLongs(keyMajor, 6, 2).transpose(0, 1);
        for (Tensor pad : new Tensor[] {Tensor.of(asFloat, 2, 6), Tensor.ofInts(asInt, 2, 6), bool, stridedView}) {
            Tensor got = CpuAttention.attention(q, k, v, AttentionMask.padding(pad), 0.3f);
            assertArrayEquals(want.toFloatArray(), got.toFloatArray(), "padding mask as " + pad.dtype());
        }
        // Dropping the masked keys altogether gives the same result: masking really removes them.
        Tensor kept = CpuAttention.attention(q.slice(0, 0, 1), k.slice(0, 0, 1).slice(2, 2, 4), v.slice(0, 0, 1).slice(2, 2, 4), AttentionMask.NONE, 0.3f);
        Tensor masked = CpuAttention.attention(q.slice(0, 0, 1), k.slice(0, 0, 1), v.slice(0, 0, 1),
                AttentionMask.padding(Tensor.ofLongs(new long[] {0, 0, 1, 1, 0, 0}, 1, 6)), 0.3f);
        assertClose("masked keys vs dropped keys", kept.toFloatArray(), masked.toFloatArray());
    }

    @Test
    void fullyMaskedRowsGiveZerosAndNegativeInfiniteLogSumExp() {
        Random rnd = new Random(3);
        // Causal with left padding: in batch 0 the first two queries see only padding keys.
        Tensor q = random(rnd, Layout.TOKEN_MAJOR, 2, 4, 5, 16);
        Tensor k = random(rnd, Layout.TOKEN_MAJOR, 2, 2, 5, 16);
        Tensor v = random(rnd, Layout.TOKEN_MAJOR, 2, 2, 5, 16);
        Tensor pad = Tensor.ofInts(new int[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 5);
        AttentionMask mask = AttentionMask.causal(pad, 0);
        CpuAttention.Forward got = CpuAttention.forward(q, k, v, mask, 0.25f);
        for (int h = 0; h < 4; h++) {
            for (int t = 0; t < 2; t++) {
                for (int i = 0; i < 16; i++) assertEquals(0f, got.output().getFloat(0, h, t, i), "batch 0 head " + h + " query " + t);
                assertEquals(Float.NEGATIVE_INFINITY, got.logSumExp().getFloat(0, h, t));
            }
            assertTrue(Float.isFinite(got.logSumExp().getFloat(0, h, 2)));
        }
        assertSameForward("left padded", Ref64.attention(q, k, v, mask, 0.25f), got);

        // No keys at all, and a query offset that puts every query before the first key.
        CpuAttention.Forward empty = CpuAttention.forward(q, k.slice(2, 0, 0), v.slice(2, 0, 0), AttentionMask.NONE, 1f);
        for (float x : empty.output().toFloatArray()) assertEquals(0f, x);
        for (float x : empty.logSumExp().toFloatArray()) assertEquals(Float.NEGATIVE_INFINITY, x);
        CpuAttention.Forward before = CpuAttention.forward(q, k, v, AttentionMask.causal(null, -5), 1f);
        for (float x : before.output().toFloatArray()) assertEquals(0f, x);
    }

    @Test
    void kvCacheStepsEqualFullCausalAttention() {
        Random rnd = new Random(99);
        int b = 2, hq = 6, hkv = 2, total = 41, maxT = 48, d = 16;
        Tensor q = random(rnd, Layout.TOKEN_MAJOR, b, hq, total, d);
        Tensor k = random(rnd, Layout.TOKEN_MAJOR, b, hkv, total, d);
        Tensor v = random(rnd, Layout.TOKEN_MAJOR, b, hkv, total, d);
        float scale = 0.25f;
        Tensor full = CpuAttention.attention(q, k, v, AttentionMask.CAUSAL, scale);
        assertSameForward("full causal", Ref64.attention(q, k, v, AttentionMask.CAUSAL, scale),
                CpuAttention.forward(q, k, v, AttentionMask.CAUSAL, scale));

        Tensor kCache = Tensor.zeros(DType.F32, b, hkv, maxT, d), vCache = Tensor.zeros(DType.F32, b, hkv, maxT, d);
        int[] steps = {7, 1, 1, 3, 1, 20, 1, 1, 1, 5};
        int pos = 0;
        for (int n : steps) {
            CpuBackend.INSTANCE.copyInto(k.slice(2, pos, pos + n), kCache.slice(2, pos, pos + n));
            CpuBackend.INSTANCE.copyInto(v.slice(2, pos, pos + n), vCache.slice(2, pos, pos + n));
            int len = pos + n;
            Tensor step = CpuBackend.INSTANCE.attention(q.slice(2, pos, len), kCache.slice(2, 0, len), vCache.slice(2, 0, len),
                    AttentionMask.causal(null, pos), scale);
            assertClose("cache step at " + pos, full.slice(2, pos, len).toFloatArray(), step.toFloatArray());
            pos = len;
        }
        assertEquals(total, pos);
    }

    @Test
    void matchesTorchFixture() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/attention_torch.json")) {
            if (in == null) fail("missing test resource /fixtures/attention_torch.json (scripts/fixtures/attention_torch.py writes it)");
            root = new ObjectMapper().readTree(in);
        }
        // torch computes in float32 with its own summation order; the same bound as against ref64.
        int checked = 0;
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            int b = c.get("b").asInt(), hq = c.get("hq").asInt(), hkv = c.get("hkv").asInt();
            int tq = c.get("tq").asInt(), tk = c.get("tk").asInt(), d = c.get("d").asInt();
            Tensor q = Tensor.of(floats(c.get("q")), b, hq, tq, d);
            Tensor k = Tensor.of(floats(c.get("k")), b, hkv, tk, d);
            Tensor v = Tensor.of(floats(c.get("v")), b, hkv, tk, d);
            Tensor pad = c.get("key_padding").isNull() ? null : Tensor.ofLongs(longs(c.get("key_padding")), b, tk);
            AttentionMask mask = new AttentionMask(c.get("causal").asBoolean(), pad, c.get("query_offset").asInt());
            CpuAttention.Forward got = CpuAttention.forward(q, k, v, mask, (float) c.get("scale").asDouble());
            assertClose("torch " + name + " output", floats(c.get("out")), got.output().toFloatArray());
            assertClose("torch " + name + " logsumexp", floats(c.get("lse")), got.logSumExp().toFloatArray());
            checked++;
        }
        assertTrue(checked >= 4, "fixture has " + checked + " cases");
    }

    @Test
    void badInputsNameTheTensorAndField() {
        Tensor q = Tensor.zeros(DType.F32, 1, 6, 3, 8), k = Tensor.zeros(DType.F32, 1, 4, 5, 8), v = Tensor.zeros(DType.F32, 1, 4, 5, 8);
        assertMessage(() -> CpuAttention.attention(q, k, v, AttentionMask.NONE, 1f), "not a multiple of kv heads 4");
        Tensor k2 = Tensor.zeros(DType.F32, 1, 2, 5, 7);
        assertMessage(() -> CpuAttention.attention(q, k2, v, AttentionMask.NONE, 1f), "k head dim (dim 3) must be 8, got 7");
        Tensor k3 = Tensor.zeros(DType.F32, 1, 2, 5, 8), v3 = Tensor.zeros(DType.F32, 1, 2, 4, 8);
        assertMessage(() -> CpuAttention.attention(q, k3, v3, AttentionMask.NONE, 1f), "v keys (dim 2) must be 5, got 4");
        Tensor v4 = Tensor.zeros(DType.F32, 1, 2, 5, 8);
        assertMessage(() -> CpuAttention.attention(q.reshape(6, 3, 8), k3, v4, AttentionMask.NONE, 1f), "q must be [B, Hq, Tq, D]");
        assertMessage(() -> CpuAttention.attention(q, k3, v4, AttentionMask.padding(Tensor.zeros(DType.I64, 1, 4)), 1f),
                "keyPadding must be [B, Tk] = [1, 5], got [1, 4]");
        assertMessage(() -> CpuAttention.attention(Tensor.zeros(DType.I64, 1, 6, 3, 8), k3, v4, AttentionMask.NONE, 1f), "q must be a float tensor");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    private static void assertSameForward(String name, CpuAttention.Forward want, CpuAttention.Forward got) {
        assertArrayEquals(want.output().shape(), got.output().shape(), name + ": output shape");
        // dense, head-major or token-major (stored like q: see CpuBackwardTest's split-head case)
        assertTrue(got.output().isContiguous() || got.output().transpose(1, 2).isContiguous(), name + ": output stored densely");
        assertEquals(DType.F32, got.output().dtype(), name + ": output dtype");
        assertClose(name + " output", want.output().toFloatArray(), got.output().toFloatArray());
        assertClose(name + " logsumexp", want.logSumExp().toFloatArray(), got.logSumExp().toFloatArray());
    }

    static void assertClose(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (want[i] == Float.NEGATIVE_INFINITY || got[i] == Float.NEGATIVE_INFINITY) {
                assertEquals(want[i], got[i], what + " [" + i + "]");
                continue;
            }
            float err = Math.abs(want[i] - got[i]);
            if (!(err <= ABS + REL * Math.abs(want[i])))
                fail(what + " [" + i + "]: want " + want[i] + ", got " + got[i] + " (error " + err + ")");
        }
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    /** A random {@code [b, h, t, d]} tensor laid out as {@code layout}. */
    static Tensor random(Random rnd, Layout layout, int b, int h, int t, int d) {
        return switch (layout) {
            case CONTIGUOUS -> Tensor.of(gaussian(rnd, b * h * t * d), b, h, t, d);
            case TOKEN_MAJOR -> Tensor.of(gaussian(rnd, b * t * h * d), b, t, h, d).transpose(1, 2);
            case PADDED_ROWS -> Tensor.of(gaussian(rnd, b * h * t * (d + 3)), b, h, t, d + 3).slice(3, 0, d);
            case STRIDED_HEAD_DIM -> Tensor.of(gaussian(rnd, b * h * d * t), b, h, d, t).transpose(2, 3);
            case EXPANDED_HEADS -> Tensor.of(gaussian(rnd, b * t * d), b, 1, t, d).expand(b, h, t, d);
        };
    }

    /** Keeps about 3/4 of the keys; batch row 0 keeps its last key so it is never wholly padding. */
    private static Tensor randomPadding(Random rnd, int b, int tk, DType dtype) {
        Tensor pad = Tensor.zeros(dtype, b, tk);
        for (int i = 0; i < b; i++)
            for (int j = 0; j < tk; j++) pad.setFloat(rnd.nextInt(4) != 0 || (i == 0 && j == tk - 1) ? 1 : 0, i, j);
        return pad;
    }

    private static float[] floats(JsonNode array) {
        float[] a = new float[array.size()];
        for (int i = 0; i < a.length; i++) {
            JsonNode x = array.get(i);
            a[i] = x.isTextual() ? Float.parseFloat(x.asText().replace("inf", "Infinity")) : (float) x.asDouble();
        }
        return a;
    }

    private static long[] longs(JsonNode array) {
        long[] a = new long[array.size()];
        for (int i = 0; i < a.length; i++) a[i] = array.get(i).asLong();
        return a;
    }
}

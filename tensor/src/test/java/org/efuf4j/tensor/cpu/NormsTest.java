package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.TestData;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuNorms} and {@link CpuRope} against ref64 ({@link Ref64}, the double-precision reference backend) and
 * against torch / Hugging Face.
 *
 * <p>Tolerances: normalised outputs are O(1); F32 row statistics (vector sums of a few thousand terms)
 * carry relative errors near 1e-6 that the normalisation passes on, so rtol 1e-5 with atol 1e-5 (for
 * outputs near zero). RoPE: the kernel computes its angles in F32 exactly as Hugging Face does (pinned by
 * {@link #ropeMatchesHuggingFace} at positions up to 65535 with rtol 1e-5, atol 1e-6), ref64 rotates by the exact
 * angles; see {@link #assertRopeMatchesRef64} for the bound on the difference. Against torch, whose cos/sin/pow
 * are within about 1 ulp of the JDK's, the same bounds hold.
 */
class NormsTest {
    static final int[][] SHAPES = {{1}, {9}, {8}, {3, 5}, {4, 17}, {2, 3, 64}, {5, 1, 33}, {2, 2051}};

    @Test
    void layerNormAndRmsNormMatchReference() {
        Random r = new Random(21);
        for (int[] shape : SHAPES) {
            int d = shape[shape.length - 1];
            float[] data = TestData.gaussian(r, (int) Shapes.numel(shape), 3);
            for (int i = 0; i < data.length; i++) data[i] += 1.5f;
            float[] w = TestData.gaussian(r, d, 0.5), b = TestData.gaussian(r, d, 0.2);
            Tensor[][] affines = {{null, null}, {Tensor.of(w, d), Tensor.of(b, d)}, {Tensor.ofHalf(DType.BF16, w, d), null},
                {null, Tensor.ofHalf(DType.F16, b, d)}};
            for (TestData.Layout layout : TestData.layouts(data, shape))
                for (Tensor[] wb : affines) {
                    Tensor x = layout.tensor();
                    String what = "on " + layout + " weight " + wb[0] + " bias " + wb[1];
                    assertClose(Ref64.layerNorm(x, wb[0], wb[1], 1e-5f), CpuNorms.layerNorm(x, wb[0], wb[1], 1e-5f), 1e-5, 1e-5, "layerNorm " + what);
                    assertClose(Ref64.rmsNorm(x, wb[0], 1e-6f), CpuNorms.rmsNorm(x, wb[0], 1e-6f), 1e-5, 1e-5, "rmsNorm " + what);
                }
        }
    }

    @Test
    void normsWithStridedWeight() {
        Random r = new Random(2);
        float[] data = TestData.gaussian(r, 6 * 10, 1);
        Tensor x = Tensor.of(data, 6, 10);
        Tensor wTable = Tensor.of(TestData.gaussian(r, 30, 1), 10, 3);
        Tensor w = wTable.select(1, 2);
        assertClose(Ref64.layerNorm(x, w, w, 1e-5f), CpuNorms.layerNorm(x, w, w, 1e-5f), 1e-5, 1e-5, "strided weight");
        assertClose(Ref64.rmsNorm(x, w, 1e-5f), CpuNorms.rmsNorm(x, w, 1e-5f), 1e-5, 1e-5, "strided weight");
    }

    @Test
    void layerNormMatchesTorchWithBf16Weights() {
        JsonNode f = TestData.fixture().get("layer_norm");
        int[] shape = TestData.ints(f.get("shape"));
        int d = shape[1];
        Tensor x = Tensor.of(TestData.floats(f.get("x")), shape);
        // the fixture's weight values are exactly BF16, so the BF16 tensor holds them without rounding
        Tensor w = Tensor.ofHalf(DType.BF16, TestData.floats(f.get("weight")), d);
        Tensor b = Tensor.ofHalf(DType.BF16, TestData.floats(f.get("bias")), d);
        float eps = (float) f.get("eps").asDouble();
        assertClose(TestData.floats(f.get("out")), CpuNorms.layerNorm(x, w, b, eps).toFloatArray(), 1e-5, 1e-5, "layer_norm vs torch");
        assertClose(TestData.floats(f.get("out_no_affine")), CpuNorms.layerNorm(x, null, null, eps).toFloatArray(), 1e-5, 1e-5, "layer_norm without affine vs torch");
    }

    @Test
    void rmsNormMatchesHuggingFace() {
        JsonNode f = TestData.fixture().get("rms_norm");
        int[] shape = TestData.ints(f.get("shape"));
        Tensor x = Tensor.of(TestData.floats(f.get("x")), shape);
        Tensor w = Tensor.of(TestData.floats(f.get("weight")), shape[1]);
        assertClose(TestData.floats(f.get("out")), CpuNorms.rmsNorm(x, w, (float) f.get("eps").asDouble()).toFloatArray(), 1e-5, 1e-6, "LlamaRMSNorm vs HF");
    }

    @Test
    void normsRejectMismatchedWeights() {
        Tensor x = Tensor.zeros(DType.F32, 2, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> CpuNorms.layerNorm(x, Tensor.zeros(DType.F32, 7), null, 1e-5f));
        assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("[8]") && e.getMessage().contains("[7]"), e.getMessage());
        var b = assertThrows(IllegalArgumentException.class, () -> CpuNorms.layerNorm(x, null, Tensor.zeros(DType.F32, 2, 8), 1e-5f));
        assertTrue(b.getMessage().contains("bias"), b.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuNorms.rmsNorm(x, Tensor.zeros(DType.I64, 8), 1e-5f));
    }

    @Test
    void ropeMatchesReferenceInEveryLayout() {
        Random r = new Random(17);
        int[][] shapes = {{1, 1, 1, 2}, {2, 3, 5, 8}, {1, 4, 7, 18}, {2, 2, 3, 64}, {1, 2, 9, 34}};
        for (int[] shape : shapes) {
            int bs = shape[0], t = shape[2];
            long[] p = new long[bs * t];
            for (int i = 0; i < p.length; i++) p[i] = r.nextInt(5000);
            int[] pi = new int[p.length];
            for (int i = 0; i < p.length; i++) pi[i] = (int) p[i];
            Tensor[] positions = {Tensor.ofLongs(p, bs, t), Tensor.ofInts(pi, bs, t)};
            float[] data = TestData.gaussian(r, (int) Shapes.numel(shape), 1);
            for (TestData.Layout layout : TestData.layouts(data, shape))
                for (Tensor pos : positions)
                    for (boolean inverse : new boolean[] {false, true}) {
                        Tensor x = layout.tensor();
                        assertRopeMatchesRef64(x, pos, 10000f, inverse, CpuRope.rope(x, pos, 10000f, inverse),
                                "rope inverse=" + inverse + " positions " + pos.dtype() + " on " + layout);
                    }
        }
    }

    @Test
    void ropeOfHeadsTransposedFromTokenMajorAndSharedPositions() {
        Random r = new Random(6);
        // the usual producer: a projection [B, T, H, hd] viewed as [B, H, T, hd]
        Tensor tokenMajor = Tensor.of(TestData.gaussian(r, 2 * 6 * 3 * 16, 1), 2, 6, 3, 16);
        Tensor x = tokenMajor.transpose(1, 2);
        Tensor pos = Tensor.ofLongs(new long[] {3, 4, 5, 6, 7, 8}, 1, 6);
        assertRopeMatchesRef64(x, pos, 1e6f, false, CpuRope.rope(x, pos, 1e6f, false), "rope of transposed heads");
        Tensor back = CpuRope.rope(CpuRope.rope(x, pos, 1e6f, false), pos, 1e6f, true);
        assertClose(x.toFloatArray(), back.toFloatArray(), 1e-5, 1e-5, "inverse rope undoes rope");
        var e = assertThrows(IllegalArgumentException.class, () -> CpuRope.rope(x, Tensor.ofLongs(new long[5], 1, 5), 1e4f, false));
        assertTrue(e.getMessage().contains("positions") && e.getMessage().contains("[1, 5]"), e.getMessage());
        var odd = assertThrows(IllegalArgumentException.class, () -> CpuRope.rope(Tensor.zeros(DType.F32, 1, 1, 2, 5), Tensor.ofLongs(new long[2], 1, 2), 1e4f, false));
        assertTrue(odd.getMessage().contains("even"), odd.getMessage());
    }

    @Test
    void ropeMatchesHuggingFace() {
        for (JsonNode f : TestData.fixture().get("rope")) {
            int[] shape = TestData.ints(f.get("shape"));
            float theta = (float) f.get("theta").asDouble();
            Tensor x = Tensor.of(TestData.floats(f.get("x")), shape);
            Tensor pos = Tensor.ofLongs(TestData.longs(f.get("positions")), shape[0], shape[2]);
            // inv_freq: one pow and one division, each within an ulp of torch's
            assertClose(TestData.floats(f.get("inv_freq")), CpuRope.inverseFrequencies(theta, shape[3]), 2.5e-7, 0, "inv_freq theta " + theta);
            assertClose(TestData.floats(f.get("out")), CpuRope.rope(x, pos, theta, false).toFloatArray(), 1e-5, 1e-6, "rope vs HF theta " + theta);
            assertClose(TestData.floats(f.get("inverse")), CpuRope.rope(x, pos, theta, true).toFloatArray(), 1e-5, 1e-6, "inverse rope vs HF theta " + theta);
        }
    }

    /**
     * {@code got} (the kernel's rope of {@code x}) against ref64's. The kernel's angle
     * {@code fl(pos * fl(1 / fl(theta ^ fl(2i / hd))))} has a relative error of at most {@code (ln(theta) + 3) u}
     * ({@code u = 2^-24}: the rounded exponent moves the power by {@code ln(theta)} times its own error, then three
     * roundings), and a rotation by an angle off by {@code da} moves the pair {@code (x1, x2)} by at most
     * {@code |da| hypot(x1, x2)}. So each element may differ by {@code (ln(theta) + 4) u |angle| hypot(x1, x2)} (one
     * {@code u} of margin for pow) on top of rtol 1e-5, atol 1e-6 for the F32 cos/sin and products. At positions of a
     * few thousand that is up to ~4e-4 for the fastest frequencies and below 1e-6 for the slow half; a swapped half,
     * a wrong position or frequency, or a sign costs O(|x|).
     */
    static void assertRopeMatchesRef64(Tensor x, Tensor positions, float theta, boolean inverse, Tensor got, String what) {
        float[] want = Ref64.rope(x, positions, theta, inverse).toFloatArray(), v = x.toFloatArray(), actual = got.toFloatArray();
        assertArrayEquals(x.shape(), got.shape(), what + ": shape");
        int bs = x.dim(0), heads = x.dim(1), t = x.dim(2), hd = x.dim(3), half = hd / 2;
        double[] pos = ReferenceBackend.read(positions.expand(bs, t));
        double angleError = (Math.log(theta) + 4) * 0x1p-24;
        for (int e = 0; e < want.length; e++) {
            int c = e % hd, row = e / hd, first = c < half ? e : e - half, i = c % half;
            double angle = pos[row / (heads * t) * t + row % t] * Math.pow(theta, -2.0 * i / hd);
            double bound = 1e-6 + 1e-5 * Math.abs(want[e]) + angleError * Math.abs(angle) * Math.hypot(v[first], v[first + half]);
            if (!(Math.abs((double) actual[e] - want[e]) <= bound))
                fail(what + ": element " + e + " is " + actual[e] + ", ref64 " + want[e] + " (bound " + bound + ")");
        }
    }
}

package org.efuf4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import org.efuf4j.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** The tensor core: views share storage and index correctly; copies and casts round like torch; layout kernels. */
class TensorViewsTest {
    /** x[i][j][k] = 100 i + 10 j + k: every element names its own index. */
    private static Tensor indexed(int a, int b, int c) {
        float[] v = new float[a * b * c];
        for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < c; k++) v[(i * b + j) * c + k] = 100 * i + 10 * j + k;
        return Tensor.of(v, a, b, c);
    }

    @Test
    void reshapeSharesContiguousStorageAndInfersOneDimension() {
        Tensor x = indexed(2, 3, 4);
        Tensor r = x.reshape(6, -1);
        assertArrayEquals(new int[] {6, 4}, r.shape());
        assertSame(x.storage(), r.storage());
        assertArrayEquals(x.toFloatArray(), r.toFloatArray());
        var e = assertThrows(IllegalArgumentException.class, () -> x.reshape(5, -1));
        assertTrue(e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(7, 4));
    }

    @Test
    void reshapeOfAStridedViewCopiesInLogicalOrder() {
        Tensor t = indexed(2, 3, 4).transpose(1, 2); // [2, 4, 3]
        assertFalse(t.isContiguous());
        Tensor r = t.reshape(8, 3);
        assertNotSame(t.storage(), r.storage());
        assertArrayEquals(t.toFloatArray(), r.toFloatArray());
        assertEquals(121f, r.getFloat(5, 2)); // flat 17 = t[1][1][2] = x[1][2][1]
    }

    @Test
    void permuteAndTransposeIndexTheSameElements() {
        Tensor x = indexed(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++)
            assertEquals(x.getFloat(i, j, k), p.getFloat(k, i, j));
        Tensor t = x.transpose(-1, 0);
        assertArrayEquals(new int[] {4, 3, 2}, t.shape());
        assertEquals(123f, t.getFloat(3, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1));
    }

    @Test
    void sliceSelectSqueezeUnsqueeze() {
        Tensor x = indexed(3, 4, 5);
        Tensor s = x.slice(1, 1, 3);
        assertArrayEquals(new int[] {3, 2, 5}, s.shape());
        assertEquals(224f, s.getFloat(2, 1, 4));
        assertFalse(s.isContiguous());
        Tensor sel = x.select(2, 3);
        assertArrayEquals(new int[] {3, 4}, sel.shape());
        assertEquals(213f, sel.getFloat(2, 1));
        Tensor sel0 = x.select(-3, 2);
        assertTrue(sel0.isContiguous());
        assertEquals(2 * 20, sel0.offset());
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> x.select(1, 4));
        Tensor u = x.unsqueeze(-1);
        assertArrayEquals(new int[] {3, 4, 5, 1}, u.shape());
        assertTrue(u.isContiguous());
        assertArrayEquals(new int[] {1, 3, 4, 5}, x.unsqueeze(0).shape());
        assertArrayEquals(x.shape(), u.squeeze(3).shape());
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
        assertEquals(0, x.slice(1, 2, 2).numel());
    }

    @Test
    void expandRepeatsWithStrideZero() {
        Tensor row = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        Tensor e = row.expand(2, 4, 3);
        assertArrayEquals(new int[] {2, 4, 3}, e.shape());
        assertArrayEquals(new long[] {0, 0, 1}, e.strides());
        assertEquals(3f, e.getFloat(1, 3, 2));
        assertArrayEquals(new int[] {4, 3}, row.expand(4, -1).shape());
        var err = assertThrows(IllegalArgumentException.class, () -> row.expand(2, 4));
        assertTrue(err.getMessage().contains("[1, 3]"), err.getMessage());
        var lead = assertThrows(IllegalArgumentException.class, () -> row.expand(-1, 4, 3));
        assertTrue(lead.getMessage().contains("-1"), lead.getMessage());
        assertThrows(IllegalArgumentException.class, () -> row.expand(3));
        float[] copied = e.contiguous().toFloatArray();
        assertEquals(24, copied.length);
        assertEquals(2f, copied[22]);
    }

    @Test
    void contiguousCopiesStridedViewsOfEveryDtype() {
        Tensor x = indexed(3, 4, 5);
        Tensor view = x.permute(2, 0, 1).slice(0, 1, 4);
        Tensor c = view.contiguous();
        assertTrue(c.isContiguous());
        assertArrayEquals(view.toFloatArray(), c.toFloatArray());
        Tensor half = Tensor.ofHalf(DType.BF16, x.toFloatArray(), 3, 4, 5).transpose(0, 2);
        Tensor hc = half.contiguous();
        assertEquals(DType.BF16, hc.dtype());
        assertArrayEquals(half.toFloatArray(), hc.toFloatArray());
        Tensor ids = Tensor.ofLongs(new long[] {1L << 40, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);
        assertArrayEquals(new long[] {1L << 40, 4, 2, 5, 3, 6}, ids.contiguous().toLongArray());
        assertSame(x, x.contiguous());
    }

    @Test
    void castsRoundToNearestEvenLikeTorch() {
        JsonNode f = TestData.fixture().get("casts");
        float[] values = TestData.floats(f.get("x"));
        int[] bf16 = TestData.ints(f.get("bf16_bits")), f16 = TestData.ints(f.get("f16_bits"));
        Tensor x = Tensor.of(values, values.length);
        Tensor b = x.to(DType.BF16), h = x.to(DType.F16);
        MemorySegment bs = b.hostSegment(), hs = h.hostSegment();
        for (int i = 0; i < values.length; i++) {
            assertEquals(bf16[i], bs.get(HostAccess.I16, 2L * i) & 0xffff, "bf16 of " + values[i]);
            assertEquals(f16[i], hs.get(HostAccess.I16, 2L * i) & 0xffff, "f16 of " + values[i]);
        }
        // widening back is exact: the half value is the float nearest to it
        float[] back = b.to(DType.F32).toFloatArray();
        for (int i = 0; i < values.length; i++) assertEquals(HostAccess.bf16ToFloat((short) bf16[i]), back[i]);
        assertTrue(Float.isNaN(Tensor.of(new float[] {Float.NaN}, 1).to(DType.BF16).item()));
        // to an integer type: truncation toward zero, as torch
        assertArrayEquals(new long[] {-1, 2, 0}, Tensor.of(new float[] {-1.7f, 2.9f, -0.2f}, 3).to(DType.I64).toLongArray());
        // to BOOL: anything non-zero is true (a truncating byte cast made 0.5 and 256 false)
        assertArrayEquals(new long[] {1, 0, 1, 1, 1}, Tensor.of(new float[] {0.5f, -0f, -2f, 256f, Float.NaN}, 5).to(DType.BOOL).toLongArray());
        assertArrayEquals(new long[] {1, 0}, Tensor.ofLongs(new long[] {256, 0}, 2).to(DType.BOOL).toLongArray());
    }

    @Test
    void scalarCopiesKeepAllBitsOfIntegers() {
        long big = (1L << 40) + 1;
        Tensor s = Tensor.ofLongs(new long[] {big}, 1).reshape();
        assertEquals(0, s.rank());
        assertEquals(big, CpuBackend.INSTANCE.contiguous(s).getLong());
        assertEquals(big, s.to(DType.F64).to(DType.I64).getLong());
    }

    @Test
    void copyIntoAStridedDestination() {
        Tensor cache = Tensor.zeros(DType.BF16, 2, 6, 4); // [heads, maxT, hd]
        Tensor step = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 2, 2, 4);
        CpuBackend.INSTANCE.copyInto(step, cache.slice(1, 3, 5));
        assertEquals(7f, cache.getFloat(0, 4, 2));
        assertEquals(13f, cache.getFloat(1, 4, 0));
        assertEquals(0f, cache.getFloat(1, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.INSTANCE.copyInto(step, cache.slice(1, 0, 1)));
    }

    @Test
    void embeddingGathersRowsOfAnyFloatTable() {
        float[] t = new float[5 * 3];
        for (int i = 0; i < t.length; i++) t[i] = i * 0.5f;
        for (Tensor table : new Tensor[] {Tensor.of(t, 5, 3), Tensor.ofHalf(DType.BF16, t, 5, 3)})
            for (Tensor ids : new Tensor[] {Tensor.ofLongs(new long[] {4, 0, 2, 2}, 2, 2), Tensor.ofInts(new int[] {4, 0, 2, 2}, 2, 2)}) {
                Tensor e = CpuBackend.INSTANCE.embedding(table, ids);
                assertArrayEquals(new int[] {2, 2, 3}, e.shape());
                assertEquals(DType.F32, e.dtype());
                assertArrayEquals(new float[] {6, 6.5f, 7, 0, 0.5f, 1, 3, 3.5f, 4, 3, 3.5f, 4}, e.toFloatArray());
            }
        var err = assertThrows(IndexOutOfBoundsException.class,
                () -> CpuBackend.INSTANCE.embedding(Tensor.of(t, 5, 3), Tensor.ofLongs(new long[] {5}, 1)));
        assertTrue(err.getMessage().contains("5"), err.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.INSTANCE.embedding(Tensor.of(t, 5, 3), Tensor.of(new float[] {1}, 1)));
    }

    @Test
    void patchesFlattenChannelRowColumnInRasterOrder() {
        int b = 2, c = 3, h = 4, w = 6, p = 2;
        float[] img = new float[b * c * h * w];
        for (int i = 0; i < img.length; i++) img[i] = i;
        Tensor images = Tensor.of(img, b, c, h, w);
        Tensor patches = CpuBackend.INSTANCE.patches(images, p);
        int gh = h / p, gw = w / p;
        assertArrayEquals(new int[] {b, gh * gw, c * p * p}, patches.shape());
        for (int n = 0; n < b; n++)
            for (int py = 0; py < gh; py++)
                for (int px = 0; px < gw; px++)
                    for (int ch = 0; ch < c; ch++)
                        for (int dy = 0; dy < p; dy++)
                            for (int dx = 0; dx < p; dx++)
                                assertEquals(images.getFloat(n, ch, py * p + dy, px * p + dx),
                                        patches.getFloat(n, py * gw + px, (ch * p + dy) * p + dx));
        var err = assertThrows(IllegalArgumentException.class, () -> CpuBackend.INSTANCE.patches(images, 4));
        assertTrue(err.getMessage().contains("4x6"), err.getMessage());
    }

    @Test
    void elementAccessChecksBounds() {
        Tensor x = indexed(2, 2, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> x.getFloat(2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> x.getFloat(0, 0));
        assertEquals(111f, x.getFloat(1, 1, 1));
        assertEquals(5f, Tensor.scalar(5f).item());
        assertThrows(IllegalStateException.class, x::item);
    }
}

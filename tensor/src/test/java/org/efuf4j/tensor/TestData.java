package org.efuf4j.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared test helpers: torch fixtures, random data in many memory layouts, tolerant comparison. */
public final class TestData {
    private TestData() {}

    private static JsonNode fixture;

    /** {@code fixtures/kernels.json}, written by {@code scripts/fixtures/kernels_fixture.py} from torch. */
    public static synchronized JsonNode fixture() {
        if (fixture == null) {
            try (InputStream in = TestData.class.getResourceAsStream("/fixtures/kernels.json")) {
                if (in == null) throw new IllegalStateException("test resource fixtures/kernels.json is missing");
                fixture = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fixture;
    }

    /** A JSON array of numbers, where the strings "nan", "inf", "-inf" stand for the IEEE specials. */
    public static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode n = array.get(i);
            v[i] = n.isTextual() ? switch (n.asText()) {
                case "nan" -> Float.NaN;
                case "inf" -> Float.POSITIVE_INFINITY;
                case "-inf" -> Float.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("unexpected fixture value " + n);
            } : (float) n.asDouble();
        }
        return v;
    }

    public static long[] longs(JsonNode array) {
        long[] v = new long[array.size()];
        for (int i = 0; i < v.length; i++) v[i] = array.get(i).asLong();
        return v;
    }

    public static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) v[i] = array.get(i).asInt();
        return v;
    }

    public static float[] gaussian(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    /**
     * Asserts {@code |actual - expected| <= atol + rtol |expected|} elementwise; NaN matches NaN and an
     * infinity matches the same infinity.
     */
    public static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + ", expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) && Float.isNaN(a)) continue;
            } else if (Float.isInfinite(e) || Float.isInfinite(a)) {
                if (e == a) continue;
            } else if (Math.abs((double) a - e) <= atol + rtol * Math.abs(e)) continue;
            fail(what + ": element " + i + " is " + a + ", expected " + e + " (rtol " + rtol + ", atol " + atol + ")");
        }
    }

    public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        if (!java.util.Arrays.equals(expected.shape(), actual.shape()))
            fail(what + ": shape " + Shapes.str(actual.shape()) + ", expected " + Shapes.str(expected.shape()));
        assertClose(expected.toFloatArray(), actual.toFloatArray(), rtol, atol, what);
    }

    /** A tensor and the name of its layout, for failure messages. */
    public record Layout(String name, Tensor tensor) {
        @Override public String toString() { return name + " " + tensor; }
    }

    /**
     * The row-major values {@code data} of {@code shape} in many layouts: contiguous F32; last two axes
     * transposed in memory; rows padded with NaN (a slice; reading the padding poisons the result); with an
     * element offset in native, read-only memory (like a mapped checkpoint); rounded to BF16; and F16 stored
     * transposed. The half layouts hold rounded values: compare kernels on the same tensor, not on {@code data}.
     */
    public static List<Layout> layouts(float[] data, int[] shape) {
        List<Layout> out = new ArrayList<>();
        out.add(new Layout("contiguous", Tensor.of(data.clone(), shape)));
        if (shape.length >= 2) out.add(new Layout("transposed", transposedStorage(DType.F32, data, shape)));
        if (shape.length >= 1) out.add(new Layout("padded-rows", paddedRows(data, shape)));
        out.add(new Layout("native-offset", nativeWithOffset(data, shape)));
        out.add(new Layout("bf16", Tensor.ofHalf(DType.BF16, data, shape)));
        if (shape.length >= 2) out.add(new Layout("f16-transposed", transposedStorage(DType.F16, data, shape)));
        return out;
    }

    /** Storage holds the last two axes swapped; the returned view transposes them back. */
    public static Tensor transposedStorage(DType dtype, float[] data, int[] shape) {
        int r = shape.length, rows = shape[r - 2], cols = shape[r - 1];
        int[] stored = shape.clone();
        stored[r - 2] = cols;
        stored[r - 1] = rows;
        float[] t = new float[data.length];
        int plane = rows * cols;
        for (int p = 0; p < data.length / Math.max(1, plane); p++)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) t[p * plane + j * rows + i] = data[p * plane + i * cols + j];
        Tensor s = dtype == DType.F32 ? Tensor.of(t, stored) : Tensor.ofHalf(dtype, t, stored);
        return s.transpose(-1, -2);
    }

    /** Each last-axis row sits inside a wider row of NaNs: a slice view with an offset and a row stride. */
    public static Tensor paddedRows(float[] data, int[] shape) {
        int r = shape.length, cols = shape[r - 1], wide = cols + 3;
        int rows = cols == 0 ? 0 : data.length / cols;
        float[] p = new float[Math.max(1, rows) * wide];
        java.util.Arrays.fill(p, Float.NaN);
        for (int i = 0; i < rows; i++) System.arraycopy(data, i * cols, p, i * wide + 1, cols);
        int[] padded = shape.clone();
        padded[r - 1] = wide;
        if (rows == 0) return Tensor.of(data.clone(), shape);
        return Tensor.of(p, padded).slice(-1, 1, 1 + cols);
    }

    /** Native (non-heap) read-only F32 memory, the tensor starting five elements in. */
    public static Tensor nativeWithOffset(float[] data, int[] shape) {
        MemorySegment seg = Arena.ofAuto().allocate((data.length + 5) * 4L, 4);
        MemorySegment.copy(data, 0, seg, HostAccess.F32, 20, data.length);
        return new Tensor(new HostStorage(seg, true), DType.F32, shape, Shapes.contiguousStrides(shape), 5);
    }
}

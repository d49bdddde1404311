package org.efuf4j.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every OpenCL kernel against the CPU backend (itself tested against scalar reference twins) on random
 * shapes with odd sizes and strided views. Tolerance: 1e-5 of the reference's magnitude for elementwise
 * and row kernels (different exp/erf implementations); GEMM and attention scale with the summed terms.
 * CI installs PoCL, so these run there on the CPU's OpenCL driver.
 */
class OpenClBackendTest {
    private static final Device DEV = new Device("opencl", 0);
    private static Backend cl;
    private final SplittableRandom rnd = new SplittableRandom(42);

    @BeforeAll
    static void open() {
        Assumptions.assumeFalse(OpenClDevice.list().isEmpty(), "no OpenCL device (install pocl-opencl-icd)");
        cl = Backends.of(DEV);
    }

    private Tensor random(int... shape) {
        float[] d = new float[(int) org.efuf4j.tensor.Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextDouble() * 2 - 1);
        return Tensor.of(d, shape);
    }

    private static Tensor dev(Tensor host) { return host.to(DEV); }

    private static void close(Tensor expected, Tensor actualOnDevice, double relTol, String what) {
        assertArrayEquals(expected.shape(), actualOnDevice.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actualOnDevice.toHost().toFloatArray();
        double scale = 1e-6;
        for (float v : e) if (Float.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i])) { assertTrue(Float.isNaN(a[i]), what + " [" + i + "] expected NaN, got " + a[i]); continue; }
            assertEquals(e[i], a[i], relTol * scale, what + " at flat index " + i);
        }
    }

    @Test
    void transfersAndStridedCopiesRoundTrip() {
        Tensor x = random(3, 5, 7);
        close(x, dev(x), 0, "round trip");
        Tensor view = x.permute(2, 0, 1).slice(1, 1, 3);
        close(view.contiguous(), dev(x).permute(2, 0, 1).slice(1, 1, 3).contiguous(), 0, "strided view");
        Tensor devView = dev(x).permute(2, 0, 1).slice(1, 1, 3);
        assertArrayEquals(view.toFloatArray(), devView.toFloatArray(), 0f, "reading a strided device view element-wise");
        assertEquals(view.getFloat(4, 1, 2), devView.getFloat(4, 1, 2), 0f, "getFloat on a strided device view");
        for (DType dt : new DType[] {DType.BF16, DType.F16}) {
            Tensor hostCast = x.to(dt);
            Tensor devCast = dev(x).to(dt);
            assertEquals(dt, devCast.dtype());
            assertArrayEquals(hostCast.toFloatArray(), devCast.toHost().toFloatArray(), 0f, "rounding to " + dt + " matches the CPU");
        }
        Tensor ids = Tensor.ofLongs(new long[] {5, -3, 1L << 40}, 3);
        assertArrayEquals(ids.toLongArray(), dev(ids).toHost().toLongArray(), "I64 survives the device");
        Tensor cache = cl.zeros(DType.F32, 2, 4, 3);
        Tensor step = random(2, 1, 3);
        cl.copyInto(dev(step), cache.slice(1, 2, 3));
        close(step, cache.slice(1, 2, 3), 0, "KV-cache style append");
        close(Tensor.zeros(DType.F32, 2, 1, 3), cache.slice(1, 0, 1), 0, "untouched rows stay zero");
    }

    @Test
    void matmulMatchesCpuOnOddShapesViewsAndHalfWeights() {
        int[][] shapes = {{1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {64, 64, 64}, {129, 3, 70}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = random(2, m, k), b = random(n, k).transpose(0, 1);
            Tensor ref = Backends.cpu().matmul(a, b);
            close(ref, cl.matmul(dev(a), dev(b)), 1e-5 * Math.sqrt(k), "matmul " + m + "x" + k + "x" + n);
            Tensor w = random(n, k), bias = random(n);
            close(Backends.cpu().linear(a, w, bias), cl.linear(dev(a), dev(w), dev(bias)), 1e-5 * Math.sqrt(k), "linear");
            Tensor wb = w.to(DType.BF16);
            close(Backends.cpu().linear(a, wb, null), cl.linear(dev(a), dev(wb), null), 1e-5 * Math.sqrt(k), "linear bf16 weight");
        }
        Tensor a = random(3, 1, 4, 6), b = random(5, 6, 2);
        close(Backends.cpu().matmul(a, b), cl.matmul(dev(a), dev(b)), 1e-5, "broadcast batch");
    }

    @Test
    void elementwiseMatchesCpu() {
        Tensor x = random(4, 9, 5).transpose(0, 2);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT ? Backends.cpu().unary(UnaryOp.ABS, x) : x;
            close(Backends.cpu().unary(op, in), cl.unary(op, dev(in.contiguous()).transpose(0, 2).contiguous().transpose(0, 2)), 2e-5, "unary " + op);
        }
        Tensor a = random(3, 1, 7), b = random(5, 1);
        for (BinaryOp op : BinaryOp.values())
            close(Backends.cpu().binary(op, a, b), cl.binary(op, dev(a), dev(b)), 1e-5, "binary " + op);
        close(Backends.cpu().affine(x, 2.5f, -1f), cl.affine(dev(x.contiguous()), 2.5f, -1f), 1e-6, "affine");
    }

    @Test
    void reductionsSoftmaxAndNormsMatchCpu() {
        Tensor x = random(3, 17, 5);
        for (ReduceOp op : ReduceOp.values())
            for (int axis = 0; axis < 3; axis++)
                close(Backends.cpu().reduce(op, x, axis, axis == 1), cl.reduce(op, dev(x), axis, axis == 1), 1e-5, "reduce " + op + " axis " + axis);
        assertArrayEquals(Backends.cpu().argmax(x, 1).toLongArray(), cl.argmax(dev(x), 1).toHost().toLongArray());
        Tensor rows = random(6, 301);
        close(Backends.cpu().softmax(rows), cl.softmax(dev(rows)), 1e-5, "softmax");
        close(Backends.cpu().logSoftmax(rows), cl.logSoftmax(dev(rows)), 1e-5, "log-softmax");
        Tensor w = random(301), bias = random(301);
        close(Backends.cpu().layerNorm(rows, w, bias, 1e-5f), cl.layerNorm(dev(rows), dev(w), dev(bias), 1e-5f), 1e-5, "layerNorm");
        close(Backends.cpu().rmsNorm(rows, w.to(DType.BF16), 1e-6f), cl.rmsNorm(dev(rows), dev(w.to(DType.BF16)), 1e-6f), 1e-5, "rmsNorm bf16 weight");
    }

    @Test
    void ropeEmbeddingPatchesAndAttentionMatchCpu() {
        Tensor x = random(2, 3, 5, 8);
        Tensor pos = Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, 7, 8, 9, 10, 11}, 2, 5);
        for (boolean inv : new boolean[] {false, true})
            close(Backends.cpu().rope(x, pos, 10000f, inv), cl.rope(dev(x), dev(pos), 10000f, inv), 2e-5, "rope inverse=" + inv);
        Tensor table = random(11, 6).to(DType.BF16);
        Tensor ids = Tensor.ofInts(new int[] {3, 0, 10, 3}, 2, 2);
        close(Backends.cpu().embedding(table, ids), cl.embedding(dev(table), dev(ids)), 0, "embedding");
        Tensor bad = Tensor.ofInts(new int[] {11}, 1);
        assertThrows(IndexOutOfBoundsException.class, () -> cl.embedding(dev(table), dev(bad)).toHost(), "reported at the next transfer");
        close(Backends.cpu().embedding(table, ids), cl.embedding(dev(table), dev(ids)), 0, "the flag is cleared after it was reported");
        Tensor img = random(2, 3, 8, 12);
        close(Backends.cpu().patches(img, 4), cl.patches(dev(img), 4), 0, "patches");

        Tensor q = random(2, 4, 7, 16), k = random(2, 2, 9, 16), v = random(2, 2, 9, 16);
        Tensor keep = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, 2, 9);
        AttentionMask[] masks = {AttentionMask.NONE, AttentionMask.causal(null, 2), AttentionMask.causal(keep, 2), AttentionMask.padding(keep)};
        for (AttentionMask mask : masks) {
            AttentionMask dm = mask.keyPadding() == null ? mask : new AttentionMask(mask.causal(), dev(keep), mask.queryOffset());
            close(Backends.cpu().attention(q, k, v, mask, 0.25f), cl.attention(dev(q), dev(k), dev(v), dm, 0.25f), 1e-5, "attention " + mask);
        }
    }

    /**
     * Threads launch the same kernels with arguments of their own, interleaved: a kernel's arguments are state of the
     * shared {@code cl_kernel} until it is enqueued, so without the runtime's discipline one thread's launch would run
     * with another's buffers or sizes.
     */
    @Test
    void callersOnSeveralThreadsGetTheirOwnResults() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(100 + id);
                    for (int round = 0; round < 4; round++) {
                        int rows = 3 + id, cols = 5 + round;
                        Tensor a = randomFrom(r, rows, cols), b = randomFrom(r, cols, 2 + id);
                        // a chain of launches with no transfer between them keeps the threads' launches interleaving
                        Tensor host = a, device = dev(a);
                        for (int i = 0; i < 200; i++) {
                            float scale = 1f - 0.001f * (id + 1), shift = 0.01f * id;
                            host = Backends.cpu().affine(host, scale, shift);
                            device = cl.affine(device, scale, shift);
                        }
                        close(host, device, 1e-5, "thread " + id + " affine chain");
                        close(Backends.cpu().matmul(a, b), cl.matmul(dev(a), dev(b)), 1e-5, "thread " + id + " matmul");
                        close(Backends.cpu().softmax(a), cl.softmax(dev(a)), 1e-5, "thread " + id + " softmax");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static Tensor randomFrom(SplittableRandom r, int... shape) {
        float[] d = new float[(int) org.efuf4j.tensor.Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(d, shape);
    }
}

package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.TestData.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.TestData;
import org.efuf4j.tensor.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tensors large enough that every kernel splits its tiles or rows over several pool threads (forced to
 * four, whatever the machine), compared with ref64 ({@link Ref64}): the pieces must cover the work exactly once.
 * Tolerances as in the per-family tests.
 */
class ParallelSplitTest {
    private int savedThreads;

    @BeforeEach void fourThreads() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(4);
    }

    @AfterEach void restore() { Parallel.setThreads(savedThreads); }

    @Test
    void everyFamilyCoversLargeTensorsExactlyOnce() {
        Random r = new Random(77);
        int[] shape = {3, 40, 1100};
        float[] data = TestData.gaussian(r, 3 * 40 * 1100, 2);
        Tensor x = Tensor.of(data, shape);
        Tensor xt = TestData.transposedStorage(DType.F32, data, shape);
        Tensor bias = Tensor.of(TestData.gaussian(r, 1100, 1), 1100);
        for (Tensor v : new Tensor[] {x, xt}) {
            assertClose(Ref64.unary(UnaryOp.GELU_ERF, v), CpuElementwise.unary(UnaryOp.GELU_ERF, v), 1e-5, 1e-6, "gelu " + v);
            assertArrayEquals(Ref64.binary(BinaryOp.ADD, v, bias).toFloatArray(), CpuElementwise.binary(BinaryOp.ADD, v, bias).toFloatArray(), "add " + v);
            assertClose(Ref64.affine(v, 2f, 1f), CpuElementwise.affine(v, 2f, 1f), 1e-6, 1e-6, "affine " + v);
            for (int axis = 0; axis < 3; axis++)
                assertArrayEquals(Ref64.reduce(ReduceOp.MAX, v, axis, false).toFloatArray(),
                        CpuReductions.reduce(ReduceOp.MAX, v, axis, false).toFloatArray(), "max axis " + axis + " " + v);
            assertArrayEquals(Ref64.argmax(v, 1).toLongArray(), CpuReductions.argmax(v, 1).toLongArray(), "argmax " + v);
            assertClose(Ref64.softmax(v), CpuReductions.softmax(v), 1e-5, 1e-7, "softmax " + v);
            assertClose(Ref64.layerNorm(v, bias, bias, 1e-5f), CpuNorms.layerNorm(v, bias, bias, 1e-5f), 1e-5, 1e-5, "layerNorm " + v);
            assertClose(Ref64.rmsNorm(v, bias, 1e-5f), CpuNorms.rmsNorm(v, bias, 1e-5f), 1e-5, 1e-5, "rmsNorm " + v);
        }
        Tensor heads = Tensor.of(TestData.gaussian(r, 2 * 8 * 300 * 64, 1), 2, 8, 300, 64);
        long[] pos = new long[2 * 300];
        for (int i = 0; i < pos.length; i++) pos[i] = i % 300 + 5L * (i / 300);
        Tensor p = Tensor.ofLongs(pos, 2, 300);
        NormsTest.assertRopeMatchesRef64(heads, p, 1e4f, false, CpuRope.rope(heads, p, 1e4f, false), "rope");
    }
}

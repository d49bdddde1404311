package org.efuf4j.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backward kernels and optimizer steps on OpenCL against the CPU backend's (which are checked against
 * finite differences in the autograd module). Tolerance 1e-5 of the reference's magnitude, more where a
 * sum runs over a long axis in a different order.
 */
class OpenClBackwardTest {
    private static final Device DEV = new Device("opencl", 0);
    private static Backend cl;
    private static final Backend CPU = Backends.cpu();
    private final SplittableRandom rnd = new SplittableRandom(7);

    @BeforeAll
    static void open() {
        Assumptions.assumeFalse(OpenClDevice.list().isEmpty(), "no OpenCL device (install pocl-opencl-icd)");
        cl = Backends.of(DEV);
    }

    private Tensor random(int... shape) {
        float[] d = new float[(int) Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextDouble() * 2 - 1);
        return Tensor.of(d, shape);
    }

    private static Tensor dev(Tensor t) { return t.to(DEV); }

    private static void close(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toHost().toFloatArray();
        double scale = 1e-6;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tol * scale, what + " at " + i);
    }

    @Test
    void elementwiseAndRowBackwardsMatchCpu() {
        Tensor x = random(5, 33), dy = random(5, 33);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT ? CPU.affine(CPU.unary(UnaryOp.ABS, x), 1f, 0.1f) : x;
            close(CPU.unaryBackward(op, in, dy), cl.unaryBackward(op, dev(in), dev(dy)), 2e-5, "unaryBackward " + op);
        }
        Tensor y = CPU.softmax(x), ly = CPU.logSoftmax(x);
        close(CPU.softmaxBackward(y, dy), cl.softmaxBackward(dev(y), dev(dy)), 1e-5, "softmaxBackward");
        close(CPU.logSoftmaxBackward(ly, dy), cl.logSoftmaxBackward(dev(ly), dev(dy)), 1e-5, "logSoftmaxBackward");
        Tensor w = random(33);
        Backend.NormGrads c = CPU.layerNormBackward(x, w, true, 1e-5f, dy), g = cl.layerNormBackward(dev(x), dev(w), true, 1e-5f, dev(dy));
        close(c.dx(), g.dx(), 1e-5, "layerNorm dx");
        close(c.dWeight(), g.dWeight(), 1e-5, "layerNorm dWeight");
        close(c.dBias(), g.dBias(), 1e-5, "layerNorm dBias");
        Backend.NormGrads rc = CPU.rmsNormBackward(x, w, 1e-6f, dy), rg = cl.rmsNormBackward(dev(x), dev(w), 1e-6f, dev(dy));
        close(rc.dx(), rg.dx(), 1e-5, "rmsNorm dx");
        close(rc.dWeight(), rg.dWeight(), 1e-5, "rmsNorm dWeight");
    }

    @Test
    void attentionBackwardMatchesCpuWithMasksAndGqa() {
        Tensor q = random(2, 4, 6, 8), k = random(2, 2, 6, 8), v = random(2, 2, 6, 8);
        Tensor keep = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 2, 6);
        for (AttentionMask mask : new AttentionMask[] {AttentionMask.NONE, AttentionMask.CAUSAL, AttentionMask.causal(keep, 0)}) {
            Tensor out = CPU.attention(q, k, v, mask, 0.35f), dOut = random(2, 4, 6, 8);
            AttentionMask dm = mask.keyPadding() == null ? mask : new AttentionMask(mask.causal(), dev(keep), mask.queryOffset());
            Backend.AttentionGrads c = CPU.attentionBackward(q, k, v, mask, 0.35f, out, dOut);
            Backend.AttentionGrads g = cl.attentionBackward(dev(q), dev(k), dev(v), dm, 0.35f, dev(out), dev(dOut));
            close(c.dq(), g.dq(), 1e-5, "dq " + mask);
            close(c.dk(), g.dk(), 1e-5, "dk " + mask);
            close(c.dv(), g.dv(), 1e-5, "dv " + mask);
        }
    }

    @Test
    void crossEntropyEmbeddingDropoutAndOptimizersMatchCpu() {
        Tensor logits = random(4, 37);
        Tensor targets = Tensor.ofLongs(new long[] {3, Backend.IGNORE_INDEX, 36, 0}, 4);
        Backend.CrossEntropy c = CPU.crossEntropy(logits, targets), g = cl.crossEntropy(dev(logits), dev(targets));
        close(c.loss(), g.loss(), 1e-5, "cross-entropy loss");
        close(c.valid(), g.valid(), 0, "cross-entropy valid");
        Tensor dLoss = random(4);
        close(CPU.crossEntropyBackward(logits, targets, dLoss), cl.crossEntropyBackward(dev(logits), dev(targets), dev(dLoss)), 1e-5, "cross-entropy backward");
        assertThrows(IndexOutOfBoundsException.class, () -> cl.crossEntropy(dev(logits), dev(Tensor.ofLongs(new long[] {0, 1, 2, 37}, 4))).loss().toHost());

        Tensor ids = Tensor.ofInts(new int[] {2, 0, 2, 5, 2}, 5), dy = random(5, 3);
        close(CPU.embeddingBackward(ids, dy, 6), cl.embeddingBackward(dev(ids), dev(dy), 6), 1e-6, "embedding scatter-add with repeats");
        close(CPU.dropoutMask(0.3f, 1234L, 7, 9), cl.dropoutMask(0.3f, 1234L, 7, 9), 0, "same dropout stream on both backends");

        Tensor p = random(3, 5), grad = random(3, 5);
        Tensor pc = p.contiguous().to(DType.F32), m = Tensor.zeros(DType.F32, 3, 5), vv = Tensor.zeros(DType.F32, 3, 5);
        Tensor pd = dev(p), md = cl.zeros(DType.F32, 3, 5), vd = cl.zeros(DType.F32, 3, 5);
        Tensor pcopy = CPU.contiguous(pc.transpose(0, 1)).transpose(0, 1).contiguous();
        for (int step = 1; step <= 3; step++) {
            CPU.adamW(pcopy, grad, m, vv, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, step);
            cl.adamW(pd, dev(grad), md, vd, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, step);
        }
        close(pcopy, pd, 1e-6, "AdamW parameters after 3 steps");
        close(m, md, 1e-6, "AdamW first moment");
        Tensor ps = random(4), gs = random(4), bufC = Tensor.zeros(DType.F32, 4);
        Tensor psd = dev(ps), bufD = cl.zeros(DType.F32, 4);
        Tensor psc = CPU.affine(ps, 1f, 0f);
        for (int step = 0; step < 3; step++) {
            CPU.sgd(psc, gs, bufC, 0.1f, 0.9f, 0f, 0.01f, true, step == 0);
            cl.sgd(psd, dev(gs), bufD, 0.1f, 0.9f, 0f, 0.01f, true, step == 0);
        }
        close(psc, psd, 1e-6, "SGD nesterov parameters");
    }
}

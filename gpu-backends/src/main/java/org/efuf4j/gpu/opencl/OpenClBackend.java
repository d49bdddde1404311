package org.efuf4j.gpu.opencl;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * The Backend SPI on one OpenCL device. Tensors stay in device buffers; the only host transfers are
 * {@link #fromHost} and {@link #toHost}. Kernels take strided views directly where that is cheap
 * (elementwise, copies, GEMM operands) and contiguous F32 elsewhere.
 *
 * <p>This class only routes: each operation family, forward and backward side by side, is a class of its own over
 * one {@code .cl} file. Any thread may call it: the runtime serialises every command to the device queue
 * ({@link OpenClRuntime}), and the families keep no state between calls.
 */
public final class OpenClBackend implements Backend {
    private final OpenClRuntime rt;
    private final ClMemory memory;
    private final ClMatmul matmul;
    private final ClElementwise elementwise;
    private final ClReductions reductions;
    private final ClNorms norms;
    private final ClAttention attention;
    private final ClEmbedding embedding;
    private final ClCrossEntropy crossEntropy;
    private final ClOptimizers optimizers;

    OpenClBackend(OpenClDevice d) {
        this.rt = new OpenClRuntime(d);
        this.memory = new ClMemory(rt, new Device("opencl", d.index()));
        this.matmul = new ClMatmul(memory);
        this.elementwise = new ClElementwise(memory);
        this.reductions = new ClReductions(memory);
        this.norms = new ClNorms(memory);
        this.attention = new ClAttention(memory);
        this.embedding = new ClEmbedding(memory);
        this.crossEntropy = new ClCrossEntropy(memory);
        this.optimizers = new ClOptimizers(memory);
    }

    public OpenClDevice openClDevice() { return rt.device; }

    @Override public Device device() { return memory.device; }

    // memory and layout
    @Override public Tensor zeros(DType dtype, int... shape) { return memory.zeros(dtype, shape); }
    @Override public Tensor fromHost(Tensor host) { return memory.fromHost(host); }
    @Override public Tensor toHost(Tensor tensor) { return memory.toHost(tensor); }
    @Override public Tensor contiguous(Tensor x) { return memory.contiguous(x); }
    @Override public Tensor cast(Tensor x, DType dtype) { return memory.cast(x, dtype); }
    @Override public void copyInto(Tensor src, Tensor dst) { memory.copyInto(src, dst); }
    @Override public Tensor patches(Tensor images, int patch) { return memory.patches(images, patch); }

    // matrix products
    @Override public Tensor matmul(Tensor a, Tensor b) { return matmul.matmul(a, b); }
    @Override public Tensor linear(Tensor x, Tensor weight, Tensor bias) { return matmul.linear(x, weight, bias); }

    // elementwise
    @Override public Tensor unary(UnaryOp op, Tensor x) { return elementwise.unary(op, x); }
    @Override public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy) { return elementwise.unaryBackward(op, x, dy); }
    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return elementwise.binary(op, a, b); }
    @Override public Tensor affine(Tensor x, float scale, float shift) { return elementwise.affine(x, scale, shift); }
    @Override public Tensor dropoutMask(float p, long seed, int... shape) { return elementwise.dropoutMask(p, seed, shape); }

    // reductions and softmax
    @Override public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) { return reductions.reduce(op, x, axis, keepDim); }
    @Override public Tensor argmax(Tensor x, int axis) { return reductions.argmax(x, axis); }
    @Override public Tensor softmax(Tensor x) { return reductions.softmax(x, false); }
    @Override public Tensor softmaxBackward(Tensor y, Tensor dy) { return reductions.softmaxBackward(y, dy, false); }
    @Override public Tensor logSoftmax(Tensor x) { return reductions.softmax(x, true); }
    @Override public Tensor logSoftmaxBackward(Tensor y, Tensor dy) { return reductions.softmaxBackward(y, dy, true); }

    // normalisation
    @Override public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return norms.norm(x, weight, bias, eps, false); }
    @Override public NormGrads layerNormBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy) {
        return norms.normBackward(x, weight, hasBias, eps, dy, false);
    }
    @Override public Tensor rmsNorm(Tensor x, Tensor weight, float eps) { return norms.norm(x, weight, null, eps, true); }
    @Override public NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) { return norms.normBackward(x, weight, false, eps, dy, true); }

    // positions and attention
    @Override public Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) { return attention.rope(x, positions, theta, inverse); }
    @Override public Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) { return attention.attention(q, k, v, mask, scale); }
    @Override public AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut) {
        return attention.attentionBackward(q, k, v, mask, scale, out, dOut);
    }

    // lookups
    @Override public Tensor embedding(Tensor table, Tensor ids) { return embedding.embedding(table, ids); }
    @Override public Tensor embeddingBackward(Tensor ids, Tensor dy, int vocab) { return embedding.embeddingBackward(ids, dy, vocab); }

    // losses
    @Override public CrossEntropy crossEntropy(Tensor logits, Tensor targets) { return crossEntropy.crossEntropy(logits, targets); }
    @Override public Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor dLoss) { return crossEntropy.crossEntropyBackward(logits, targets, dLoss); }

    // optimizer steps
    @Override public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
        optimizers.adamW(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }
    @Override public void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        optimizers.sgd(param, grad, momentumBuffer, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }
}

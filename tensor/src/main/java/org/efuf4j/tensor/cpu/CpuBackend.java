package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * The host backend: Vector API kernels over the shared {@link org.efuf4j.tensor.Parallel} pool. Each
 * family of kernels has its own class (and a scalar reference twin beside it); this class only routes.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override public Device device() { return Device.CPU; }

    @Override public Tensor zeros(DType dtype, int... shape) { return Tensor.zeros(dtype, shape); }
    @Override public Tensor fromHost(Tensor host) { return host; }
    @Override public Tensor toHost(Tensor tensor) { return tensor; }
    @Override public Tensor contiguous(Tensor x) { return CpuLayout.copy(x, x.dtype()); }
    @Override public Tensor cast(Tensor x, DType dtype) { return CpuLayout.copy(x, dtype); }
    @Override public void copyInto(Tensor src, Tensor dst) { CpuLayout.copyInto(src, dst); }

    @Override public Tensor matmul(Tensor a, Tensor b) { return CpuMatmul.matmul(a, b); }
    @Override public Tensor linear(Tensor x, Tensor weight, Tensor bias) { return CpuMatmul.linear(x, weight, bias); }

    @Override public Tensor unary(UnaryOp op, Tensor x) { return CpuElementwise.unary(op, x); }
    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return CpuElementwise.binary(op, a, b); }
    @Override public Tensor affine(Tensor x, float scale, float shift) { return CpuElementwise.affine(x, scale, shift); }

    @Override public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) { return CpuReductions.reduce(op, x, axis, keepDim); }
    @Override public Tensor argmax(Tensor x, int axis) { return CpuReductions.argmax(x, axis); }
    @Override public Tensor softmax(Tensor x) { return CpuReductions.softmax(x); }
    @Override public Tensor logSoftmax(Tensor x) { return CpuReductions.logSoftmax(x); }

    @Override public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return CpuNorms.layerNorm(x, weight, bias, eps); }
    @Override public Tensor rmsNorm(Tensor x, Tensor weight, float eps) { return CpuNorms.rmsNorm(x, weight, eps); }
    @Override public Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) { return CpuRope.rope(x, positions, theta, inverse); }

    @Override public Tensor embedding(Tensor table, Tensor ids) { return CpuLayout.embedding(table, ids); }
    @Override public Tensor patches(Tensor images, int patch) { return CpuLayout.patches(images, patch); }

    @Override public Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) { return CpuAttention.attention(q, k, v, mask, scale); }

    @Override public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy) { return CpuBackwardElementwise.unaryBackward(op, x, dy); }
    @Override public Tensor softmaxBackward(Tensor y, Tensor dy) { return CpuBackwardRows.softmaxBackward(y, dy); }
    @Override public Tensor logSoftmaxBackward(Tensor y, Tensor dy) { return CpuBackwardRows.logSoftmaxBackward(y, dy); }
    @Override public NormGrads layerNormBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy) { return CpuBackwardNorms.layerNormBackward(x, weight, hasBias, eps, dy); }
    @Override public NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) { return CpuBackwardNorms.rmsNormBackward(x, weight, eps, dy); }
    @Override public AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut) { return CpuBackwardAttention.attentionBackward(q, k, v, mask, scale, out, dOut); }
    @Override public CrossEntropy crossEntropy(Tensor logits, Tensor targets) { return CpuCrossEntropy.crossEntropy(logits, targets); }
    @Override public Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor dLoss) { return CpuCrossEntropy.crossEntropyBackward(logits, targets, dLoss); }
    @Override public Tensor embeddingBackward(Tensor ids, Tensor dy, int vocab) { return CpuBackwardElementwise.embeddingBackward(ids, dy, vocab); }
    @Override public Tensor dropoutMask(float p, long seed, int... shape) { return CpuDropout.dropoutMask(p, seed, shape); }
    @Override public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, long step) { CpuOptimizers.adamW(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step); }
    @Override public void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) { CpuOptimizers.sgd(param, grad, momentumBuffer, lr, momentum, dampening, weightDecay, nesterov, firstStep); }
}

package org.efuf4j.tensor;

/**
 * The primitive kernels that autograd and the models call. Every tensor argument lives on this
 * backend's {@link #device()}; results are new tensors on the same device, so a device backend keeps
 * whole forward and backward passes resident with transfers only through {@link #fromHost}/{@link #toHost}.
 * Inputs may be strided views; results are contiguous F32 unless stated otherwise (the double-precision reference
 * backend, {@code ref64}, keeps every tensor as F64 and rounds casts to the target's precision). A call refuses
 * shapes outside its contract with an {@link IllegalArgumentException} naming them; an index outside its range (a
 * token id, a target label) is an {@link IndexOutOfBoundsException}, on a device at the latest at the next
 * {@link #toHost}. {@code BackendConformanceTest} (tests module) checks every backend against these contracts.
 */
public interface Backend {
    Device device();

    // ------------------------------------------------------------ memory

    /** Zero-filled contiguous tensor. */
    Tensor zeros(DType dtype, int... shape);

    /** Copies a host tensor to this device (identity for the CPU). */
    Tensor fromHost(Tensor host);

    /** Copies a tensor of this device to the host. */
    Tensor toHost(Tensor tensor);

    /** A contiguous copy of any view, same dtype. */
    Tensor contiguous(Tensor x);

    /** A contiguous copy converted to {@code dtype} (float rounding as torch: round-to-nearest-even). */
    Tensor cast(Tensor x, DType dtype);

    /** Writes {@code src} into the (possibly strided) view {@code dst} of equal shape, e.g. appending to a KV cache. */
    void copyInto(Tensor src, Tensor dst);

    // ------------------------------------------------------------ linear algebra

    /**
     * Batched matrix product {@code a @ b} as {@code torch.matmul}: {@code a [..., M, K]}, {@code b [..., K, N]}, leading
     * dims broadcast; a 1-D {@code a [K]} is a row and a 1-D {@code b [K]} a column whose added dimension the result
     * drops ({@code [K] @ [K]} is a 0-d scalar); rank 0 and unequal inner dims are refused ({@link MatmulContract}).
     * A transposed operand is a transposed view ({@code w.transpose(-1, -2)}); {@code b} may be BF16/F16,
     * widened inside the kernel.
     */
    Tensor matmul(Tensor a, Tensor b);

    /** {@code x W^T + bias}: {@code x [..., in]}, {@code weight [out, in]} in any float dtype, {@code bias [out]} or null. */
    Tensor linear(Tensor x, Tensor weight, Tensor bias);

    // ------------------------------------------------------------ elementwise

    Tensor unary(UnaryOp op, Tensor x);

    /** NumPy-broadcast elementwise {@code a op b}. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code x * scale + shift}. */
    Tensor affine(Tensor x, float scale, float shift);

    // ------------------------------------------------------------ reductions

    Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim);

    /** Index of the maximum along {@code axis} (first one on ties; a NaN counts as the maximum, as in torch), as I64, axis removed. */
    Tensor argmax(Tensor x, int axis);

    /** Softmax over the last axis; a row that is entirely -inf gives zeros (log-softmax: -inf), not NaN. */
    Tensor softmax(Tensor x);

    /** Log-softmax over the last axis. */
    Tensor logSoftmax(Tensor x);

    // ------------------------------------------------------------ normalisation and positions

    /** LayerNorm over the last axis; weight and bias may be null. */
    Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps);

    /** RMSNorm over the last axis: {@code w * x / sqrt(mean(x^2) + eps)}; weight may be null. */
    Tensor rmsNorm(Tensor x, Tensor weight, float eps);

    /**
     * Rotary position embedding in the Hugging Face rotate-half layout: {@code x [B, H, T, hd]},
     * {@code positions [B, T]} or {@code [1, T]} shared by the batch (I64 or I32). {@code inverse} rotates by the negative
     * angle (the backward pass).
     */
    Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse);

    // ------------------------------------------------------------ lookups and layout

    /** Rows of {@code table [V, D]} (any float dtype) at {@code ids [...]} (I64/I32): {@code [..., D]}. */
    Tensor embedding(Tensor table, Tensor ids);

    /**
     * Non-overlapping {@code patch x patch} patches of {@code images [B, C, H, W]} in raster order, each
     * flattened in (channel, row, col) order: {@code [B, (H/p)(W/p), C p p]} — a patch convolution is then a matmul.
     */
    Tensor patches(Tensor images, int patch);

    // ------------------------------------------------------------ attention

    /**
     * Scaled-dot-product attention {@code softmax(q k^T * scale + mask) v} without materialising the
     * score matrix. {@code q [B, Hq, Tq, D]}, {@code k, v [B, Hkv, Tk, D]} (values too have the head dim D; other
     * shapes are refused); query head h reads kv head {@code h / (Hq / Hkv)} (GQA). Fully masked query rows give zeros.
     */
    Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale);

    // ------------------------------------------------------------ training: backward kernels and optimizer steps
    // Each backward recomputes what it needs from the forward inputs (or outputs where cheaper), so a
    // device backend keeps the whole training step resident.

    /** Gradients of a normalisation: {@code dWeight}/{@code dBias} are null when the layer has none. */
    record NormGrads(Tensor dx, Tensor dWeight, Tensor dBias) {}

    /** Gradients of attention; {@code dk}/{@code dv} are summed over the query heads that share a kv head (GQA). */
    record AttentionGrads(Tensor dq, Tensor dk, Tensor dv) {}

    /**
     * Per-row softmax cross-entropy of {@code logits [N, V]} against {@code targets [N]} (I64/I32).
     *
     * @param loss  {@code [N]} F32: {@code logsumexp(row) - row[target]}, 0 where the target is {@link #IGNORE_INDEX}
     * @param valid {@code [N]} F32: 1 where the target counts, 0 where it is ignored
     */
    record CrossEntropy(Tensor loss, Tensor valid) {}

    /** Target label that cross-entropy skips (as torch's {@code ignore_index} default). */
    int IGNORE_INDEX = -100;

    /** {@code dy * f'(x)} for an elementwise function: the backward of {@link #unary}. */
    Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy);

    /** Backward of {@link #softmax} given its output {@code y}: {@code y * (dy - sum(dy * y))} per row. */
    Tensor softmaxBackward(Tensor y, Tensor dy);

    /** Backward of {@link #logSoftmax} given its output {@code y}: {@code dy - exp(y) * sum(dy)} per row. */
    Tensor logSoftmaxBackward(Tensor y, Tensor dy);

    /** Backward of {@link #layerNorm}; statistics are recomputed from {@code x}. {@code hasBias} asks for {@code dBias}. */
    NormGrads layerNormBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy);

    /** Backward of {@link #rmsNorm}; {@code dBias} is always null. */
    NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy);

    /**
     * Backward of {@link #attention} given its output {@code out} and upstream {@code dOut [B, Hq, Tq, D]};
     * probabilities are recomputed row by row, never stored.
     */
    AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut);

    /** Fused log-softmax + negative log-likelihood per row; see {@link CrossEntropy}. */
    CrossEntropy crossEntropy(Tensor logits, Tensor targets);

    /** {@code (softmax(logits) - onehot(target)) * dLoss[row]}, zero rows where the target is ignored. */
    Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor dLoss);

    /** Backward of {@link #embedding}: rows of {@code dy [..., D]} scatter-added into a zero {@code [vocab, D]} table. */
    Tensor embeddingBackward(Tensor ids, Tensor dy, int vocab);

    /**
     * Inverted-dropout mask of {@code shape}: each element independently 0 with probability {@code p}, else
     * {@code 1/(1-p)}; a pure function of {@code (seed, element index)} so every backend draws the same mask.
     */
    Tensor dropoutMask(float p, long seed, int... shape);

    /**
     * One AdamW step in place, as torch.optim.AdamW: {@code p *= 1 - lr*wd}; moments updated;
     * {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}. {@code param}, {@code m}, {@code v} are
     * contiguous F32 of equal shape; {@code step} counts from 1.
     */
    void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, long step);

    /**
     * One SGD step in place, as torch.optim.SGD: {@code d = g + wd*p}; with momentum the buffer is set to
     * {@code d} on the first step, else {@code buf = momentum*buf + (1-dampening)*d}; nesterov uses
     * {@code d + momentum*buf}; {@code p -= lr*d}. {@code momentumBuffer} may be null when momentum is 0.
     */
    void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep);
}

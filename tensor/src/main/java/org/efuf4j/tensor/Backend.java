package org.efuf4j.tensor;

/**
 * The primitive kernels that autograd and the models call. Every tensor argument lives on this
 * backend's {@link #device()}; results are new tensors on the same device, so a device backend keeps
 * whole forward and backward passes resident with transfers only through {@link #fromHost}/{@link #toHost}.
 * Inputs may be strided views; results are contiguous F32 unless stated otherwise.
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
     * Batched matrix product {@code a @ b}: {@code a [..., M, K]}, {@code b [..., K, N]}, leading dims broadcast.
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

    /** Index of the maximum along {@code axis} (first one on ties), as I64, axis removed. */
    Tensor argmax(Tensor x, int axis);

    /** Softmax over the last axis. */
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
     * {@code positions [B, T]} (I64 or I32). {@code inverse} rotates by the negative angle (the backward pass).
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
     * score matrix. {@code q [B, Hq, Tq, D]}, {@code k, v [B, Hkv, Tk, D]}; query head h reads kv head
     * {@code h / (Hq / Hkv)} (GQA). Fully masked query rows give zeros.
     */
    Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale);
}

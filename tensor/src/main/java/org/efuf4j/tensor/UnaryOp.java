package org.efuf4j.tensor;

/** Elementwise functions of one argument. {@link #apply} is the scalar definition every kernel is tested against. */
public enum UnaryOp {
    NEG, EXP, LOG, TANH, SIGMOID, RELU, SQRT, RSQRT, SQUARE, ABS, RECIPROCAL,
    /** Exact GELU, {@code x/2 (1 + erf(x/sqrt 2))} (torch {@code gelu}, LLaVA's projector). */
    GELU_ERF,
    /** Tanh-approximated GELU (SigLIP's {@code gelu_pytorch_tanh}). */
    GELU_TANH,
    /** CLIP's {@code x * sigmoid(1.702 x)}. */
    QUICK_GELU,
    /** {@code x * sigmoid(x)} (LLaMA's MLP). */
    SILU;

    public float apply(float x) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case RELU -> x > 0 ? x : 0f;
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case SQUARE -> x * x;
            case ABS -> Math.abs(x);
            case RECIPROCAL -> 1f / x;
            case GELU_ERF -> (float) (0.5 * x * (1.0 + MathFunctions.erf(x / Math.sqrt(2.0))));
            case GELU_TANH -> (float) (0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x))));
            case QUICK_GELU -> (float) (x / (1.0 + Math.exp(-1.702 * x)));
            case SILU -> (float) (x / (1.0 + Math.exp(-x)));
        };
    }
}

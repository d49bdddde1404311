package org.efuf4j.tensor;

/**
 * Double-precision values and derivatives of every {@link UnaryOp}: the definition backward kernels
 * and the double reference backend share, so finite differences in double can check them.
 */
public final class UnaryMath {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double GELU_TANH_C = 0.044715;
    private static final double QUICK_GELU_ALPHA = 1.702;

    private UnaryMath() {}

    private static double sigmoid(double x) { return 1.0 / (1.0 + Math.exp(-x)); }

    public static double value(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x > 0 ? x : 0.0;
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case SQUARE -> x * x;
            case ABS -> Math.abs(x);
            case RECIPROCAL -> 1.0 / x;
            case GELU_ERF -> 0.5 * x * (1.0 + MathFunctions.erf(x / Math.sqrt(2.0)));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x)));
            case QUICK_GELU -> x * sigmoid(QUICK_GELU_ALPHA * x);
            case SILU -> x * sigmoid(x);
        };
    }

    /** {@code d value(op, x) / dx}; at kinks (RELU, ABS at 0) the subgradient torch uses (0). */
    public static double derivative(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -1.0;
            case EXP -> Math.exp(x);
            case LOG -> 1.0 / x;
            case TANH -> { double t = Math.tanh(x); yield 1.0 - t * t; }
            case SIGMOID -> { double s = sigmoid(x); yield s * (1.0 - s); }
            case RELU -> x > 0 ? 1.0 : 0.0;
            case SQRT -> 0.5 / Math.sqrt(x);
            case RSQRT -> -0.5 / (x * Math.sqrt(x));
            case SQUARE -> 2.0 * x;
            case ABS -> Math.signum(x);
            case RECIPROCAL -> -1.0 / (x * x);
            case GELU_ERF -> 0.5 * (1.0 + MathFunctions.erf(x / Math.sqrt(2.0))) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            case GELU_TANH -> {
                double t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x));
                yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_C * x * x);
            }
            case QUICK_GELU -> { double s = sigmoid(QUICK_GELU_ALPHA * x); yield s + QUICK_GELU_ALPHA * x * s * (1.0 - s); }
            case SILU -> { double s = sigmoid(x); yield s * (1.0 + x * (1.0 - s)); }
        };
    }
}

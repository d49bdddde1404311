package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.efuf4j.tensor.MathFunctions;
import org.junit.jupiter.api.Test;

/**
 * The normal CDF behind the GELU kernels, lane by lane against the double-precision erfc of the same fit.
 * Tolerance 1e-6 + 1e-7 x^2 relative: a few ulp of F32 arithmetic, plus the rounding of the exponent
 * {@code -x^2/2 + P}, an F32 sum whose half ulp (3e-8 x^2) is the result's relative error deep in the tail.
 */
class VectorErfTest {
    private static float lane0(FloatVector v) { return v.lane(0); }

    @Test
    void normalCdfKeepsRelativePrecisionInBothTails() {
        for (double x = -12; x <= 12; x += 0.01) {
            float xf = (float) x;
            double expected = 0.5 * MathFunctions.erfc(-xf / Math.sqrt(2));
            float got = lane0(VectorErf.normalCdf(FloatVector.broadcast(Species.F, xf)));
            assertTrue(Math.abs(got - expected) <= (1e-6 + 1e-7 * x * x) * expected, "Phi(" + xf + "): expected " + expected + ", got " + got);
        }
    }
}

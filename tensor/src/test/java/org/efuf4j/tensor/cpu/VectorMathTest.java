package org.efuf4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Distance in units in the last place between two finite floats of the same sign (or both zero). */
    private static long ulps(float a, float b) {
        if (a == b) return 0;
        if (Math.signum(a) != Math.signum(b)) return Long.MAX_VALUE;
        return Math.abs((long) Float.floatToRawIntBits(a) - Float.floatToRawIntBits(b));
    }

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] padded = java.util.Arrays.copyOf(x, (x.length + S.length() - 1) / S.length() * S.length());
        float[] out = new float[padded.length];
        for (int i = 0; i < padded.length; i += S.length()) f.apply(FloatVector.fromArray(S, padded, i)).intoArray(out, i);
        return java.util.Arrays.copyOf(out, x.length);
    }

    /** Every finite reference result within {@code maxUlps}; reports the worst input. */
    private static void assertUlps(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator reference, float[] x, long maxUlps) {
        float[] y = apply(f, x);
        long worst = 0;
        int at = -1;
        for (int i = 0; i < x.length; i++) {
            float expected = (float) reference.applyAsDouble(x[i]);
            long d = ulps(expected, y[i]);
            if (d > worst) { worst = d; at = i; }
        }
        if (worst > maxUlps) fail(name + "(" + x[at] + ") = " + y[at] + ", reference " + (float) reference.applyAsDouble(x[at]) + ": " + worst + " ulp > " + maxUlps);
    }

    private static float[] uniform(Random rnd, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rnd.nextFloat();
        return x;
    }

    @Test
    void expWithinTwoUlpsDownTo2ToTheMinus125() {
        Random rnd = new Random(1);
        assertUlps("exp", VectorMath::exactExp, Math::exp, uniform(rnd, 1 << 20, -86.9f, 88.7f), 2);
        assertUlps("exp", VectorMath::exactExp, Math::exp, uniform(rnd, 1 << 16, -1e-3f, 1e-3f), 2);
        float[] edges = {0f, -0f, 1f, -1f, 88.72283f, -86.9f, 1e-30f, -1e-30f};
        assertUlps("exp", VectorMath::exactExp, Math::exp, edges, 2);
        float[] special = apply(VectorMath::exactExp, new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 88.8f, 1e30f, -87.4f, -1e30f});
        assertTrue(Float.isNaN(special[0]));
        assertEquals(Float.POSITIVE_INFINITY, special[1]);
        assertEquals(0f, special[2]);
        assertEquals(Float.POSITIVE_INFINITY, special[3]);
        assertEquals(Float.POSITIVE_INFINITY, special[4]);
        assertEquals(0f, special[5]);
        assertEquals(0f, special[6]);
    }

    @Test
    void logWithinTwoUlpsForEveryExponent() {
        Random rnd = new Random(2);
        float[] x = new float[1 << 20];
        // random positive bit patterns: every exponent, subnormals included
        for (int i = 0; i < x.length; i++) x[i] = Float.intBitsToFloat(1 + rnd.nextInt(0x7f7fffff));
        assertUlps("log", VectorMath::exactLog, Math::log, x, 2);
        assertUlps("log", VectorMath::exactLog, Math::log, uniform(rnd, 1 << 16, 0.5f, 2f), 2);
        float[] special = apply(VectorMath::exactLog, new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, 1f, Float.MIN_VALUE});
        assertEquals(Float.NEGATIVE_INFINITY, special[0]);
        assertEquals(Float.NEGATIVE_INFINITY, special[1]);
        assertTrue(Float.isNaN(special[2]));
        assertTrue(Float.isNaN(special[3]));
        assertEquals(Float.POSITIVE_INFINITY, special[4]);
        assertEquals(0f, special[5]);
        assertTrue(ulps((float) Math.log(Float.MIN_VALUE), special[6]) <= 2, "log of the smallest subnormal: " + special[6]);
    }

    @Test
    void tanhWithinFourUlps() {
        Random rnd = new Random(3);
        assertUlps("tanh", VectorMath::exactTanh, Math::tanh, uniform(rnd, 1 << 20, -10f, 10f), 4);
        assertUlps("tanh", VectorMath::exactTanh, Math::tanh, uniform(rnd, 1 << 18, -0.7f, 0.7f), 4);
        float[] tiny = new float[1 << 16];
        for (int i = 0; i < tiny.length; i++) tiny[i] = (rnd.nextBoolean() ? 1 : -1) * (float) Math.pow(10, -12 * rnd.nextDouble());
        assertUlps("tanh", VectorMath::exactTanh, Math::tanh, tiny, 4);
        float[] special = apply(VectorMath::exactTanh, new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 50f, -50f});
        assertTrue(Float.isNaN(special[0]));
        assertEquals(1f, special[1]);
        assertEquals(-1f, special[2]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(special[3]));
        assertEquals(1f, special[4]);
        assertEquals(-1f, special[5]);
    }

    @Test
    void laneSumIsTheFixedTree() {
        Random rnd = new Random(4);
        for (int t = 0; t < 1000; t++) {
            float[] v = new float[S.length()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(8)));
            assertEquals(Float.floatToRawIntBits(tree(v, 0, v.length)), Float.floatToRawIntBits(VectorMath.exactSum(FloatVector.fromArray(S, v, 0))));
        }
    }

    /** lanes [from, from + n): pairs at distance n/2 first, as the shuffle tree adds them. */
    private static float tree(float[] v, int from, int n) {
        if (n == 1) return v[from];
        float[] h = new float[n / 2];
        for (int i = 0; i < n / 2; i++) h[i] = v[from + i] + v[from + i + n / 2];
        return tree(h, 0, n / 2);
    }

    /**
     * The property the exact forms exist for: the same bits before and after C2 compiles the callers (the Vector API's
     * own exp and lane sum change in the last bit for a few percent of inputs).
     */
    @Test
    void sameBitsInterpretedAndCompiled() {
        Random rnd = new Random(5);
        float[] x = uniform(rnd, 4096, -20f, 20f), positive = uniform(rnd, 4096, 1e-3f, 100f);
        float[] exp0 = apply(VectorMath::exactExp, x), log0 = apply(VectorMath::exactLog, positive), tanh0 = apply(VectorMath::exactTanh, x);
        float[] sum0 = sums(x);
        for (int warm = 0; warm < 300; warm++) {
            apply(VectorMath::exactExp, x);
            apply(VectorMath::exactLog, positive);
            apply(VectorMath::exactTanh, x);
            sums(x);
        }
        assertBitsEqual("exp", exp0, apply(VectorMath::exactExp, x));
        assertBitsEqual("log", log0, apply(VectorMath::exactLog, positive));
        assertBitsEqual("tanh", tanh0, apply(VectorMath::exactTanh, x));
        assertBitsEqual("sum", sum0, sums(x));
    }

    private static float[] sums(float[] x) {
        float[] out = new float[x.length / S.length()];
        for (int i = 0; i < out.length; i++) out[i] = VectorMath.exactSum(FloatVector.fromArray(S, x, i * S.length()));
        return out;
    }

    private static void assertBitsEqual(String what, float[] a, float[] b) {
        for (int i = 0; i < a.length; i++)
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), what + " element " + i + ": " + a[i] + " then " + b[i]);
    }
}

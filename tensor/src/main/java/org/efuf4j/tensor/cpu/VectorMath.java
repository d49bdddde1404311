package org.efuf4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * exp, log, tanh and lane sums of float vectors, the one place kernels get them from.
 *
 * <p>By default they are built here from IEEE-exact lane operations (add, mul, fma, bit moves) only, which give the
 * same bits in every compiler tier, so a run repeats bit for bit. The Vector API's own {@code lanewise(EXP/LOG/TANH)}
 * and {@code reduceLanes(ADD)} do not: C2 compiles them to vector math stubs and a summation tree, while the Java
 * fallbacks that run before a kernel is compiled use {@link Math} per lane and a sequential sum (4% of exp, 8% of log
 * and 58% of 8-lane sums differ in the last bit), so outputs change once kernels are compiled (CLIP's after about 36
 * forwards) and two identical runs of {@code efuf demo --quick} disagreed in 112 of their metrics.
 *
 * <p>The system property {@value #PROPERTY} set to {@code false} selects the Vector API forms: 10-25% faster on
 * exp-heavy elementwise ops, about 5% on a training step. Accuracy of the exact forms: exp and log within 2 ulp of
 * {@link Math}'s results, tanh within 4 (see {@code VectorMathTest}); exp gives 0 below 2^-125 where {@link Math#exp}
 * gives subnormals.
 */
final class VectorMath {
    private VectorMath() {}

    /** The system property that, set to {@code false}, selects the Vector API forms (read once, when this class loads). */
    static final String PROPERTY = "efuf4j.deterministic";
    /** A constant to C2, so the unused branch of each method below compiles away. */
    static final boolean DETERMINISTIC = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    /** e^x per lane. */
    static FloatVector exp(FloatVector x) { return DETERMINISTIC ? exactExp(x) : x.lanewise(VectorOperators.EXP); }

    /** Natural log per lane. */
    static FloatVector log(FloatVector x) { return DETERMINISTIC ? exactLog(x) : x.lanewise(VectorOperators.LOG); }

    /** Hyperbolic tangent per lane. */
    static FloatVector tanh(FloatVector x) { return DETERMINISTIC ? exactTanh(x) : x.lanewise(VectorOperators.TANH); }

    /** The sum of the lanes. */
    static float sum(FloatVector v) { return DETERMINISTIC ? exactSum(v) : v.reduceLanes(VectorOperators.ADD); }

    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4b400000;
    /** ln 2 split so that {@code n * LN2_HI} is exact for the n that exp meets. */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /**
     * exp's argument is clamped to this range, which keeps the exponent field built below within [0, 255]: at the top
     * 2^128 reads as +inf, at the bottom results under 2^-125 (x below -86.99) come out 0.
     */
    private static final float EXP_LOW = -87.6f, EXP_HIGH = 89f;

    /** e^x per lane from exact lane operations; results below 2^-125 (x < -86.99) are 0. */
    static FloatVector exactExp(FloatVector x) {
        FloatVector xc = x.max(EXP_LOW).min(EXP_HIGH);
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        // n * LN2_HI is exact and close to xc, so the first subtraction is exact too
        FloatVector r = xc.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        // Taylor to r^7 on |r| <= ln2/2: truncation below 0.1 ulp
        FloatVector p = r.fma(1f / 5040, 1f / 720).mul(r).add(1f / 120).mul(r).add(1f / 24).mul(r).add(1f / 6)
                .mul(r).add(0.5f).mul(r).add(1f).mul(r).add(1f);
        // p 2^(n-1), doubled: 2^(n-1) is normal for every n the clamp allows but -126
        FloatVector half = t.reinterpretAsInts().sub(ROUNDER_BITS - 126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(half);
        return y.add(y);
    }

    private static final float SQRT2 = 1.41421356237309505f;
    private static final float LN2_LOG_HI = 0.693145751953125f, LN2_LOG_LO = 1.428606765330187e-06f;

    /** Natural log per lane from exact lane operations: -inf at 0, NaN below, +inf at +inf. */
    static FloatVector exactLog(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(0x1p23f), subnormal);
        IntVector bits = xs.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xff).sub(127);
        e = e.blend(e.sub(23), subnormal.cast(e.species()));
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        VectorMask<Float> high = m.compare(VectorOperators.GT, SQRT2);
        m = m.blend(m.mul(0.5f), high);
        e = e.blend(e.add(1), high.cast(e.species()));
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f)), z = s.mul(s);
        // log(m) = 2 atanh(s) = 2s (1 + z/3 + z^2/5 + z^3/7 + z^4/9), |s| <= 0.1716
        FloatVector series = mad(mad(z.fma(1f / 9, 1f / 7), z, 1f / 5), z, 1f / 3).mul(z);
        FloatVector logm = s.add(s).fma(series, s.add(s));
        FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
        FloatVector y = mad(ef, LN2_LOG_HI, mad(ef, LN2_LOG_LO, logm));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        y = y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    private static final float TANH_SERIES_MAX = 0.55f;

    /** Hyperbolic tangent per lane from exact lane operations (Taylor to x^17 below 0.55, truncation under 0.1 ulp there). */
    static FloatVector exactTanh(FloatVector x) {
        FloatVector a = x.abs();
        // near 0 the odd Taylor series (to x^17), elsewhere 1 - 2 / (e^2a + 1), which cancels too much near 0
        FloatVector z = a.mul(a);
        FloatVector series = z.fma(6404582f / 10854718875f, -929569f / 638512875f);
        series = mad(mad(mad(series, z, 21844f / 6081075f), z, -1382f / 155925f), z, 62f / 2835f);
        series = mad(mad(mad(series, z, -17f / 315f), z, 2f / 15f), z, -1f / 3f).mul(z).fma(a, a);
        FloatVector far = a.broadcast(1f).sub(a.broadcast(2f).div(exactExp(a.add(a)).add(1f)));
        FloatVector t = far.blend(series, a.compare(VectorOperators.LT, TANH_SERIES_MAX));
        // the sign of x (and NaN through)
        return t.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats().blend(x, x.test(VectorOperators.IS_NAN));
    }

    private static FloatVector mad(FloatVector a, FloatVector b, float c) { return a.fma(b, a.broadcast(c)); }

    private static FloatVector mad(FloatVector a, float b, FloatVector c) { return a.fma(a.broadcast(b), c); }

    private static final VectorShuffle<Float> HALVES_16 = VectorShuffle.fromOp(FloatVector.SPECIES_512, i -> i ^ 8);
    private static final VectorShuffle<Float> QUARTERS_16 = VectorShuffle.fromOp(FloatVector.SPECIES_512, i -> i ^ 4);
    private static final VectorShuffle<Float> PAIRS_16 = VectorShuffle.fromOp(FloatVector.SPECIES_512, i -> i ^ 2);
    private static final VectorShuffle<Float> NEIGHBOURS_16 = VectorShuffle.fromOp(FloatVector.SPECIES_512, i -> i ^ 1);
    private static final VectorShuffle<Float> HALVES_8 = VectorShuffle.fromOp(FloatVector.SPECIES_256, i -> i ^ 4);
    private static final VectorShuffle<Float> PAIRS_8 = VectorShuffle.fromOp(FloatVector.SPECIES_256, i -> i ^ 2);
    private static final VectorShuffle<Float> NEIGHBOURS_8 = VectorShuffle.fromOp(FloatVector.SPECIES_256, i -> i ^ 1);
    private static final VectorShuffle<Float> HALVES_4 = VectorShuffle.fromOp(FloatVector.SPECIES_128, i -> i ^ 2);
    private static final VectorShuffle<Float> NEIGHBOURS_4 = VectorShuffle.fromOp(FloatVector.SPECIES_128, i -> i ^ 1);

    /**
     * The sum of the lanes in a fixed tree ({@code (l0 + l4) + (l2 + l6)} and so on for 8 lanes), the same in every
     * compiler tier; lane counts other than 4, 8 and 16 add lane by lane in order.
     */
    static float exactSum(FloatVector v) {
        if (v.length() == 16) {
            FloatVector h = v.add(v.rearrange(HALVES_16));
            h = h.add(h.rearrange(QUARTERS_16));
            h = h.add(h.rearrange(PAIRS_16));
            return h.add(h.rearrange(NEIGHBOURS_16)).lane(0);
        }
        if (v.length() == 8) {
            FloatVector h = v.add(v.rearrange(HALVES_8));
            h = h.add(h.rearrange(PAIRS_8));
            return h.add(h.rearrange(NEIGHBOURS_8)).lane(0);
        }
        if (v.length() == 4) {
            FloatVector h = v.add(v.rearrange(HALVES_4));
            return h.add(h.rearrange(NEIGHBOURS_4)).lane(0);
        }
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}

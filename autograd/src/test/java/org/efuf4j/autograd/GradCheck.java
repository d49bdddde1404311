package org.efuf4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;

import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.efuf4j.tensor.reference.ReferenceStorage;

/**
 * Finite-difference gradient checks in double precision. Everything runs on the {@code ref64} device,
 * whose kernels (forward and backward) compute in double, so a central difference with h = 1e-6 has
 * truncation error ~h^2 and rounding error ~1e-16/h = 1e-10: a tolerance of 1e-6 relative (1e-7
 * absolute) separates a right formula from a wrong one by many orders of magnitude. A non-scalar output
 * is reduced as {@code sum(out * R)} with a fixed random R, which exercises every output element.
 */
final class GradCheck {
    static final double H = 1e-6, RTOL = 1e-6, ATOL = 1e-7;

    private GradCheck() {}

    static Tensor uniform(Random r, double lo, double hi, int... shape) {
        double[] d = new double[Math.toIntExact(org.efuf4j.tensor.Shapes.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * r.nextDouble();
        return ReferenceBackend.wrap(d, shape);
    }

    static Tensor rand(Random r, int... shape) { return uniform(r, -1, 1, shape); }

    /** Checks d(sum(f(inputs) * R))/d(input) for every input and element against central differences. */
    static void check(String name, Random r, Function<Variable[], Variable> f, Tensor... inputs) {
        Variable[] leaves = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) leaves[i] = Variable.leaf(inputs[i]);
        Variable out = f.apply(leaves);
        Tensor weights = rand(r, out.shape());
        Function<Variable, Variable> reduce = o -> Arithmetic.mul(o, Variable.constant(weights)).sum();
        Variable loss = reduce.apply(out);
        loss.backward();
        for (int i = 0; i < inputs.length; i++) {
            assertNotNull(leaves[i].grad(), name + ": no gradient reached input " + i);
            double[] analytic = ReferenceBackend.read(leaves[i].grad());
            double[] data = ((ReferenceStorage) inputs[i].storage()).data();
            for (int j = 0; j < data.length; j++) {
                double saved = data[j];
                data[j] = saved + H;
                double plus = eval(f, reduce, leaves);
                data[j] = saved - H;
                double minus = eval(f, reduce, leaves);
                data[j] = saved;
                double fd = (plus - minus) / (2 * H);
                double tol = ATOL + RTOL * Math.max(Math.abs(fd), Math.abs(analytic[j]));
                assertTrue(Math.abs(fd - analytic[j]) <= tol,
                        name + ": input " + i + " element " + j + ": analytic " + analytic[j] + " vs finite difference " + fd);
            }
        }
    }

    private static double eval(Function<Variable[], Variable> f, Function<Variable, Variable> reduce, Variable[] leaves) {
        try (NoGrad scope = NoGrad.enter()) {
            Variable l = reduce.apply(f.apply(leaves));
            assertEquals(1, l.value().numel());
            return ReferenceBackend.read(l.value())[0];
        }
    }
}

package org.efuf4j.tensor;

import java.util.Arrays;
import java.util.function.BinaryOperator;

/**
 * The shapes {@link Backend#matmul} accepts, as {@code torch.matmul}: every backend routes through {@link #apply}, so
 * they accept, reject and word their errors alike. A 1-D {@code a [K]} is the row {@code [1, K]} and a 1-D
 * {@code b [K]} the column {@code [K, 1]}, the added dimension dropped from the result (vector @ vector is a 0-d
 * scalar); leading batch dimensions broadcast; rank 0 and unequal inner dimensions are refused.
 */
public final class MatmulContract {
    private MatmulContract() {}

    /** Checks {@code a @ b} and hands {@code matrices} operands of rank >= 2 with equal inner dimensions. */
    public static Tensor apply(Tensor a, Tensor b, BinaryOperator<Tensor> matrices) {
        if (a.rank() == 0 || b.rank() == 0) throw refused(a, b, "operands must have rank >= 1");
        boolean vectorA = a.rank() == 1, vectorB = b.rank() == 1;
        Tensor a2 = vectorA ? a.unsqueeze(0) : a, b2 = vectorB ? b.unsqueeze(1) : b;
        if (a2.dim(-1) != b2.dim(-2)) throw refused(a, b, "inner dimensions " + a2.dim(-1) + " and " + b2.dim(-2) + " differ");
        int[] batchA = Arrays.copyOf(a2.shape(), a2.rank() - 2), batchB = Arrays.copyOf(b2.shape(), b2.rank() - 2);
        try {
            Shapes.broadcast(batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw refused(a, b, "batch dimensions " + Shapes.str(batchA) + " and " + Shapes.str(batchB) + " do not broadcast");
        }
        Tensor out = matrices.apply(a2, b2);
        if (vectorA) out = out.squeeze(-2);
        if (vectorB) out = out.squeeze(-1);
        return out;
    }

    private static IllegalArgumentException refused(Tensor a, Tensor b, String why) {
        return new IllegalArgumentException("matmul of a " + Shapes.str(a.shape()) + " and b " + Shapes.str(b.shape()) + ": " + why);
    }
}

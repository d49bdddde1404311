package org.efuf4j.tensor.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * In-place optimizer steps on host F32 parameters. The vector loops and the scalar tails compute the same
 * expressions in the same order ({@link #adamWScalar} is the tail); CpuBackwardTest compares whole steps with ref64.
 */
final class CpuOptimizers {
    private static final VectorSpecies<Float> S = Species.F;
    private static final ByteOrder LE = ByteOrder.nativeOrder();

    private CpuOptimizers() {}

    private static MemorySegment writable(String what, Tensor t, Tensor like) {
        if (t.dtype() != DType.F32 || !t.isContiguous())
            throw new IllegalArgumentException(what + " must be contiguous F32 to update in place, got " + t);
        if (t.storage().readOnly()) throw new IllegalArgumentException(what + " is read-only (mapped weights): freeze it instead of optimizing it");
        if (!java.util.Arrays.equals(t.shape(), like.shape()))
            throw new IllegalArgumentException(what + " shape " + Shapes.str(t.shape()) + " differs from parameter " + Shapes.str(like.shape()));
        return t.hostSegment().asSlice(t.offset() * 4, t.numel() * 4);
    }

    private static MemorySegment readable(String what, Tensor t, Tensor like) {
        if (!java.util.Arrays.equals(t.shape(), like.shape()))
            throw new IllegalArgumentException(what + " shape " + Shapes.str(t.shape()) + " differs from parameter " + Shapes.str(like.shape()));
        Tensor c = t.dtype() == DType.F32 && t.isContiguous() ? t : CpuLayout.copy(t, DType.F32);
        return c.hostSegment().asSlice(c.offset() * 4, c.numel() * 4);
    }

    static void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
        if (step < 1) throw new IllegalArgumentException("AdamW step counts from 1, got " + step);
        long n = param.numel();
        MemorySegment p = writable("parameter", param, param), ms = writable("AdamW first moment", m, param), vs = writable("AdamW second moment", v, param);
        MemorySegment g = readable("gradient", grad, param);
        float decay = 1f - lr * weightDecay;
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        int count = Math.toIntExact(n);
        Parallel.forRange(count, 8192, (s, e) -> adamWRange(p, g, ms, vs, s, e, decay, beta1, beta2, eps, stepSize, bc2Sqrt));
    }

    private static void adamWRange(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, int s, int e,
                                   float decay, float b1, float b2, float eps, float stepSize, float bc2Sqrt) {
        int i = s;
        int bound = s + S.loopBound(e - s);
        for (; i < bound; i += S.length()) {
            long off = (long) i * 4;
            FloatVector gv = FloatVector.fromMemorySegment(S, g, off, LE);
            FloatVector mv = FloatVector.fromMemorySegment(S, m, off, LE).mul(b1).add(gv.mul(1f - b1));
            FloatVector vv = FloatVector.fromMemorySegment(S, v, off, LE).mul(b2).add(gv.mul(gv).mul(1f - b2));
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            FloatVector pv = FloatVector.fromMemorySegment(S, p, off, LE).mul(decay).sub(mv.div(denom).mul(stepSize));
            mv.intoMemorySegment(m, off, LE);
            vv.intoMemorySegment(v, off, LE);
            pv.intoMemorySegment(p, off, LE);
        }
        adamWScalar(p, g, m, v, i, e, decay, b1, b2, eps, stepSize, bc2Sqrt);
    }

    /** The scalar definition (and the vector loop's tail). */
    static void adamWScalar(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, int s, int e,
                            float decay, float b1, float b2, float eps, float stepSize, float bc2Sqrt) {
        for (int i = s; i < e; i++) {
            long off = (long) i * 4;
            float gi = g.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off);
            float mi = m.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off) * b1 + gi * (1f - b1);
            float vi = v.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off) * b2 + gi * gi * (1f - b2);
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            float pi = p.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off) * decay - mi / denom * stepSize;
            m.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off, mi);
            v.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off, vi);
            p.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off, pi);
        }
    }

    static void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        long n = param.numel();
        MemorySegment p = writable("parameter", param, param);
        MemorySegment g = readable("gradient", grad, param);
        if (momentum != 0f && momentumBuffer == null) throw new IllegalArgumentException("SGD with momentum " + momentum + " needs a momentum buffer");
        MemorySegment buf = momentum == 0f ? null : writable("SGD momentum buffer", momentumBuffer, param);
        var F = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
        Parallel.forRange(Math.toIntExact(n), 8192, (s, e) -> {
            for (int i = s; i < e; i++) {
                long off = (long) i * 4;
                float pi = p.get(F, off);
                float d = g.get(F, off) + weightDecay * pi;
                if (buf != null) {
                    float b = firstStep ? d : momentum * buf.get(F, off) + (1f - dampening) * d;
                    buf.set(F, off, b);
                    d = nesterov ? d + momentum * b : b;
                }
                p.set(F, off, pi - lr * d);
            }
        });
    }
}

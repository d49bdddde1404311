package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.checkRank;
import static org.efuf4j.gpu.opencl.ClViews.code;
import static org.efuf4j.gpu.opencl.ClViews.fold;
import static org.efuf4j.gpu.opencl.ClViews.foldPair;
import static org.efuf4j.gpu.opencl.ClViews.shape8;
import static org.efuf4j.gpu.opencl.ClViews.stride8;

import java.util.Arrays;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * Elementwise kernels ({@code elementwise.cl}) over strided, broadcast views: unary functions and their derivatives,
 * binary ops, affine maps, and the dropout mask (a pure function of seed and element index).
 */
final class ClElementwise extends ClFamily {
    ClElementwise(ClMemory memory) { super(memory); }

    Tensor unary(UnaryOp op, Tensor x) {
        m.own(x);
        Tensor s = fold(x);
        checkRank(s);
        Tensor out = m.empty(DType.F32, x.shape());
        rt.kernel("unary").l(x.numel()).i(op.ordinal()).i(s.rank()).i8(shape8(s)).mem(mem(s)).i(code(s.dtype())).l(s.offset()).l8(stride8(s))
                .mem(mem(out)).run(new long[] {x.numel()}, null);
        return out;
    }

    Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy) {
        m.own(x);
        m.own(dy);
        if (!Arrays.equals(x.shape(), dy.shape()))
            throw new IllegalArgumentException("unaryBackward: gradient " + Shapes.str(dy.shape()) + " for input " + Shapes.str(x.shape()));
        Tensor[] f = foldPair(x, dy);
        checkRank(f[0]);
        Tensor out = m.empty(DType.F32, x.shape());
        rt.kernel("unary_backward").l(x.numel()).i(op.ordinal()).i(f[0].rank()).i8(shape8(f[0]))
                .mem(mem(f[0])).i(code(f[0].dtype())).l(f[0].offset()).l8(stride8(f[0]))
                .mem(mem(f[1])).i(code(f[1].dtype())).l(f[1].offset()).l8(stride8(f[1]))
                .mem(mem(out)).run(new long[] {x.numel()}, null);
        return out;
    }

    Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        m.own(a);
        m.own(b);
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        Tensor ea = a.expand(shape), eb = b.expand(shape);
        checkRank(ea);
        Tensor out = m.empty(DType.F32, shape);
        rt.kernel("binary").l(out.numel()).i(op.ordinal()).i(shape.length).i8(shape8(ea))
                .mem(mem(ea)).i(code(ea.dtype())).l(ea.offset()).l8(stride8(ea))
                .mem(mem(eb)).i(code(eb.dtype())).l(eb.offset()).l8(stride8(eb))
                .mem(mem(out)).run(new long[] {out.numel()}, null);
        return out;
    }

    Tensor affine(Tensor x, float scale, float shift) {
        m.own(x);
        Tensor s = fold(x);
        checkRank(s);
        Tensor out = m.empty(DType.F32, x.shape());
        rt.kernel("affine").l(x.numel()).f(scale).f(shift).i(s.rank()).i8(shape8(s)).mem(mem(s)).i(code(s.dtype())).l(s.offset()).l8(stride8(s))
                .mem(mem(out)).run(new long[] {x.numel()}, null);
        return out;
    }

    Tensor dropoutMask(float p, long seed, int... shape) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        Tensor out = m.empty(DType.F32, shape);
        rt.kernel("dropout_mask").l(out.numel()).f(p).l(seed).mem(mem(out)).run(new long[] {out.numel()}, null);
        return out;
    }
}

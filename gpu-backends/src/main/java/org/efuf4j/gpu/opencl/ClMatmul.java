package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.code;
import static org.efuf4j.gpu.opencl.ClViews.concat;

import java.util.Arrays;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.MatmulContract;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Matrix products ({@code matmul.cl}): batched {@code matmul} and {@code linear}, both one tiled GEMM kernel that reads
 * its operands through strides. Their backward passes are matmuls of transposed views, issued by autograd.
 */
final class ClMatmul extends ClFamily {
    ClMatmul(ClMemory memory) { super(memory); }

    Tensor matmul(Tensor a, Tensor b) {
        m.own(a);
        m.own(b);
        return MatmulContract.apply(a, b, this::matrices);
    }

    private Tensor matrices(Tensor a, Tensor b) {
        int rows = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
        int[] lead = Shapes.broadcast(Arrays.copyOf(a.shape(), a.rank() - 2), Arrays.copyOf(b.shape(), b.rank() - 2));
        Tensor a3 = batched(m.f32(a), lead, rows, k), b3 = batched(b, lead, k, n);
        int batch = a3.dim(0);
        Tensor out = m.empty(DType.F32, concat(lead, rows, n));
        gemm(a3, b3, out, batch, rows, n, k, null);
        return out;
    }

    Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        m.own(x);
        m.own(weight);
        int in = x.dim(-1), outF = weight.dim(0);
        if (weight.rank() != 2 || weight.dim(1) != in)
            throw new IllegalArgumentException("linear: weight " + Shapes.str(weight.shape()) + " does not take inputs of width " + in);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != outF))
            throw new IllegalArgumentException("linear: bias " + Shapes.str(bias.shape()) + " for " + outF + " outputs");
        int rows = (int) (x.numel() / in);
        Tensor x3 = m.f32(x).reshape(1, rows, in);
        Tensor w3 = weight.transpose(0, 1).unsqueeze(0);
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outF;
        Tensor out = m.empty(DType.F32, outShape);
        gemm(x3, w3, out, 1, rows, outF, in, bias);
        return out;
    }

    private void gemm(Tensor a3, Tensor b3, Tensor out, int batch, int rows, int n, int k, Tensor bias) {
        if (bias != null) m.own(bias);
        Tensor bs = bias == null ? out : bias;
        int tile = rt.params.gemmTile(), ts = rt.params.gemmThreads();
        rt.kernel("matmul").i(rows).i(n).i(k)
                .mem(mem(a3)).l(a3.offset()).l(a3.stride(1)).l(a3.stride(2)).l(a3.stride(0))
                .mem(mem(b3)).i(code(b3.dtype())).l(b3.offset()).l(b3.stride(1)).l(b3.stride(2)).l(b3.stride(0))
                .mem(mem(out)).l((long) rows * n)
                .mem(mem(bs)).i(code(bs.dtype())).l(bias == null ? 0 : bias.offset()).i(bias == null ? 0 : 1)
                .run(new long[] {(long) (n + tile - 1) / tile * ts, (long) (rows + tile - 1) / tile * ts, batch}, new long[] {ts, ts, 1});
    }

    /** A [batch, r, c] view of t broadcast to the leading shape, copying only when the leading dims do not fold into one stride. */
    private Tensor batched(Tensor t, int[] lead, int r, int c) {
        Tensor e = t.expand(concat(lead, r, c));
        int nl = lead.length;
        long batch = Shapes.numel(lead);
        long[] st = e.strides();
        boolean folds = true;
        for (int i = 0; i + 1 < nl; i++) if (st[i] != st[i + 1] * lead[i + 1] && !(st[i] == 0 && st[i + 1] == 0)) folds = false;
        if (nl == 0) return new Tensor(e.storage(), e.dtype(), new int[] {1, r, c}, new long[] {0, st[0], st[1]}, e.offset());
        if (!folds) {
            e = m.contiguous(e);
            st = e.strides();
        }
        return new Tensor(e.storage(), e.dtype(), new int[] {(int) batch, r, c}, new long[] {st[nl - 1], st[nl], st[nl + 1]}, e.offset());
    }
}

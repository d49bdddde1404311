package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.code;
import static org.efuf4j.gpu.opencl.ClViews.concat;

import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/**
 * Embedding lookup and its backward scatter-add ({@code embedding.cl}); an id outside the table raises a device flag
 * reported at the next transfer to the host.
 */
final class ClEmbedding extends ClFamily {
    ClEmbedding(ClMemory memory) { super(memory); }

    Tensor embedding(Tensor table, Tensor ids) {
        m.own(table);
        m.own(ids);
        if (table.rank() != 2) throw new IllegalArgumentException("embedding table must be [vocab, dim], got " + Shapes.str(table.shape()));
        if (ids.dtype().isFloating()) throw new IllegalArgumentException("embedding ids must be integers, got " + ids.dtype());
        Tensor ic = m.contiguous(ids);
        int rows = (int) ids.numel(), dim = table.dim(1);
        Tensor out = m.empty(DType.F32, concat(ids.shape(), dim));
        rt.kernel("embedding").i(rows).i(dim).mem(mem(table)).i(code(table.dtype())).l(table.offset()).l(table.stride(0)).l(table.stride(1)).i(table.dim(0))
                .mem(mem(ic)).i(code(ic.dtype())).l(ic.offset()).mem(mem(out)).mem(rt.errors.flag(DeviceErrors.Kind.TOKEN_ID))
                .run(new long[] {dim, rows}, null);
        return out;
    }

    Tensor embeddingBackward(Tensor ids, Tensor dy, int vocab) {
        m.own(ids);
        m.own(dy);
        int dim = dy.rank() == 0 ? 1 : dy.dim(-1);
        if (dy.numel() != ids.numel() * dim)
            throw new IllegalArgumentException("embeddingBackward: gradient " + Shapes.str(dy.shape()) + " does not match ids " + Shapes.str(ids.shape()));
        Tensor ic = m.contiguous(ids), gc = m.f32c(dy);
        // Ids were range-checked by the forward lookup on the same tensor; the scatter trusts them.
        Tensor table = m.zeros(DType.F32, vocab, dim);
        rt.kernel("embedding_backward").i((int) ids.numel()).i(dim).mem(mem(ic)).i(code(ic.dtype())).l(ic.offset()).mem(mem(gc)).mem(mem(table))
                .run(new long[] {dim}, null);
        return table;
    }
}

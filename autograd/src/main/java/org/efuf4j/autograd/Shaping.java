package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** Reshape, permute, transpose, slice and concat: views (or copies) forward, the inverse layout backward. */
public final class Shaping {
    private Shaping() {}

    public static Variable reshape(Variable x, int... shape) {
        int[] inShape = x.shape();
        return Graph.record(x.value().reshape(shape), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.reshape(inShape)}; }
        });
    }

    public static Variable permute(Variable x, int... axes) {
        int[] inverse = new int[axes.length];
        for (int i = 0; i < axes.length; i++) inverse[Shapes.axis(axes[i], axes.length)] = i;
        return Graph.record(x.value().permute(axes), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.permute(inverse)}; }
        });
    }

    public static Variable transpose(Variable x, int a, int b) {
        return Graph.record(x.value().transpose(a, b), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.transpose(a, b)}; }
        });
    }

    /** A contiguous copy (kernels that need one, views that must be materialised before reshape). */
    public static Variable contiguous(Variable x) {
        return Graph.record(x.value().contiguous(), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g}; }
        });
    }

    public static Variable slice(Variable x, int axis, int start, int end) {
        Backend be = x.backend();
        int[] inShape = x.shape();
        return Graph.record(x.value().slice(axis, start, end), new Node(x) {
            @Override protected Tensor[] backward(Tensor g) {
                Tensor full = be.zeros(DType.F32, inShape);
                be.copyInto(g, full.slice(axis, start, end));
                return new Tensor[] {full};
            }
        });
    }

    public static Variable concat(int axis, Variable... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat of nothing");
        Backend be = parts[0].backend();
        int[] shape = parts[0].shape();
        int a = Shapes.axis(axis, shape.length);
        int total = 0;
        int[] starts = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            int[] s = parts[i].shape();
            if (s.length != shape.length) throw new IllegalArgumentException("concat: part " + i + " has shape " + Shapes.str(s) + ", part 0 " + Shapes.str(shape));
            for (int d = 0; d < s.length; d++)
                if (d != a && s[d] != shape[d]) throw new IllegalArgumentException("concat along " + a + ": part " + i + " has shape " + Shapes.str(s) + ", part 0 " + Shapes.str(shape));
            starts[i] = total;
            total += s[a];
        }
        starts[parts.length] = total;
        int[] outShape = shape.clone();
        outShape[a] = total;
        Tensor out = be.zeros(DType.F32, outShape);
        for (int i = 0; i < parts.length; i++) be.copyInto(parts[i].value(), out.slice(a, starts[i], starts[i + 1]));
        return Graph.record(out, new Node(parts) {
            @Override protected Tensor[] backward(Tensor g) {
                Tensor[] grads = new Tensor[starts.length - 1];
                for (int i = 0; i < grads.length; i++) if (needs(i)) grads[i] = g.slice(a, starts[i], starts[i + 1]);
                return grads;
            }
        });
    }
}

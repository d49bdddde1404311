package org.efuf4j.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An n-dimensional view over a {@link Storage}: dtype, shape, element strides and an element offset.
 * Views (reshape of contiguous data, permute, transpose, slice, expand) share storage; arithmetic
 * lives in the {@link Backend} of the tensor's device.
 */
public final class Tensor {
    private final Storage storage;
    private final DType dtype;
    private final int[] shape;
    private final long[] strides;
    private final long offset;

    public Tensor(Storage storage, DType dtype, int[] shape, long[] strides, long offset) {
        if (shape.length != strides.length)
            throw new IllegalArgumentException("shape " + Shapes.str(shape) + " and strides " + Arrays.toString(strides) + " differ in rank");
        for (int d : shape) if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Shapes.str(shape));
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
    }

    /** A contiguous tensor over the whole storage. */
    public static Tensor contiguous(Storage storage, DType dtype, int... shape) {
        return new Tensor(storage, dtype, shape, Shapes.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- host factories

    public static Tensor zeros(DType dtype, int... shape) {
        return contiguous(HostStorage.allocate(dtype, Shapes.numel(shape)), dtype, shape);
    }

    public static Tensor of(float[] data, int... shape) {
        check(data.length, shape);
        return contiguous(new HostStorage(MemorySegment.ofArray(data), false), DType.F32, shape);
    }

    public static Tensor ofLongs(long[] data, int... shape) {
        check(data.length, shape);
        return contiguous(new HostStorage(MemorySegment.ofArray(data), false), DType.I64, shape);
    }

    public static Tensor ofInts(int[] data, int... shape) {
        check(data.length, shape);
        return contiguous(new HostStorage(MemorySegment.ofArray(data), false), DType.I32, shape);
    }

    public static Tensor scalar(float v) { return of(new float[] {v}); }

    /** Host F32 data converted to a half type (rounded as torch does). */
    public static Tensor ofHalf(DType dtype, float[] data, int... shape) {
        if (!dtype.isHalf()) throw new IllegalArgumentException("ofHalf needs F16 or BF16, got " + dtype);
        Tensor t = zeros(dtype, shape);
        check(data.length, shape);
        MemorySegment seg = t.hostSegment();
        for (int i = 0; i < data.length; i++) HostAccess.writeFloat(seg, dtype, i, data[i]);
        return t;
    }

    private static void check(int length, int[] shape) {
        if (Shapes.numel(shape) != length)
            throw new IllegalArgumentException("data of length " + length + " does not fill shape " + Shapes.str(shape));
    }

    // ---------------------------------------------------------------- metadata

    public Storage storage() { return storage; }
    public DType dtype() { return dtype; }
    public int[] shape() { return shape.clone(); }
    public long[] strides() { return strides.clone(); }
    public long offset() { return offset; }
    public int rank() { return shape.length; }
    public int dim(int axis) { return shape[Shapes.axis(axis, shape.length)]; }
    public long stride(int axis) { return strides[Shapes.axis(axis, shape.length)]; }
    public long numel() { return Shapes.numel(shape); }
    public Device device() { return storage.device(); }
    public Backend backend() { return Backends.of(storage.device()); }

    public boolean isContiguous() {
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) return false;
            s *= shape[i];
        }
        return true;
    }

    /** The host segment behind this tensor; the tensor's first element is at {@code offset() * dtype.byteSize()}. */
    public MemorySegment hostSegment() {
        if (!(storage instanceof HostStorage h))
            throw new IllegalStateException("tensor lives on " + storage.device() + ", not on the host; call toHost() first");
        return h.segment();
    }

    // ---------------------------------------------------------------- views

    /** Same data, new shape; one dimension may be -1. Copies only when the view is not contiguous. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Shapes.str(newShape) + ": more than one -1");
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0)
                throw new IllegalArgumentException("cannot reshape " + Shapes.str(shape) + " to " + Shapes.str(newShape));
            s[infer] = (int) (numel() / known);
        }
        if (Shapes.numel(s) != numel())
            throw new IllegalArgumentException("cannot reshape " + Shapes.str(shape) + " (" + numel() + " elements) to " + Shapes.str(newShape));
        Tensor base = isContiguous() ? this : contiguous();
        return new Tensor(base.storage, dtype, s, Shapes.contiguousStrides(s), base.offset);
    }

    public Tensor permute(int... axes) {
        if (axes.length != shape.length) throw new IllegalArgumentException("permute " + Arrays.toString(axes) + " for rank " + shape.length);
        int[] ns = new int[axes.length];
        long[] nst = new long[axes.length];
        boolean[] seen = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = Shapes.axis(axes[i], shape.length);
            if (seen[a]) throw new IllegalArgumentException("permute " + Arrays.toString(axes) + " repeats axis " + a);
            seen[a] = true;
            ns[i] = shape[a];
            nst[i] = strides[a];
        }
        return new Tensor(storage, dtype, ns, nst, offset);
    }

    public Tensor transpose(int a, int b) {
        int[] axes = new int[shape.length];
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        a = Shapes.axis(a, shape.length);
        b = Shapes.axis(b, shape.length);
        axes[a] = b;
        axes[b] = a;
        return permute(axes);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Tensor slice(int axis, int start, int end) {
        int a = Shapes.axis(axis, shape.length);
        if (start < 0 || end < start || end > shape[a])
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") out of range for dim " + a + " of shape " + Shapes.str(shape));
        int[] ns = shape.clone();
        ns[a] = end - start;
        return new Tensor(storage, dtype, ns, strides, offset + start * strides[a]);
    }

    /** Index {@code index} along {@code axis}, dropping that axis. */
    public Tensor select(int axis, int index) {
        int a = Shapes.axis(axis, shape.length);
        Tensor s = slice(a, index, index + 1);
        return s.squeeze(a);
    }

    public Tensor squeeze(int axis) {
        int a = Shapes.axis(axis, shape.length);
        if (shape[a] != 1) throw new IllegalArgumentException("squeeze axis " + a + " of shape " + Shapes.str(shape) + " is not 1");
        int[] ns = new int[shape.length - 1];
        long[] nst = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != a) { ns[j] = shape[i]; nst[j++] = strides[i]; }
        return new Tensor(storage, dtype, ns, nst, offset);
    }

    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + shape.length + 1 : axis;
        if (a < 0 || a > shape.length) throw new IllegalArgumentException("unsqueeze axis " + axis + " for rank " + shape.length);
        int[] ns = new int[shape.length + 1];
        long[] nst = new long[shape.length + 1];
        for (int i = 0, j = 0; i < ns.length; i++) {
            if (i == a) { ns[i] = 1; nst[i] = 0; } else { ns[i] = shape[j]; nst[i] = strides[j++]; }
        }
        return new Tensor(storage, dtype, ns, nst, offset);
    }

    /** Broadcast view: size-1 dimensions (and new leading ones) repeat with stride 0. */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length)
            throw new IllegalArgumentException("cannot expand " + Shapes.str(shape) + " to lower rank " + Shapes.str(newShape));
        int lead = newShape.length - shape.length;
        long[] nst = new long[newShape.length];
        int[] ns = newShape.clone();
        for (int i = 0; i < newShape.length; i++) {
            if (i < lead) {
                if (ns[i] < 0) throw new IllegalArgumentException("cannot expand " + Shapes.str(shape) + " to " + Shapes.str(newShape) + ": -1 is only allowed for existing dimensions");
                nst[i] = 0;
                continue;
            }
            int d = shape[i - lead];
            if (ns[i] == -1) ns[i] = d;
            if (d == ns[i]) nst[i] = strides[i - lead];
            else if (d == 1) nst[i] = 0;
            else throw new IllegalArgumentException("cannot expand " + Shapes.str(shape) + " to " + Shapes.str(newShape));
        }
        return new Tensor(storage, dtype, ns, nst, offset);
    }

    /** This tensor if contiguous, else a contiguous copy made by the backend. */
    public Tensor contiguous() { return isContiguous() ? this : backend().contiguous(this); }

    public Tensor to(DType target) { return target == dtype ? this : backend().cast(this, target); }

    public Tensor toHost() { return storage.device().isCpu() ? this : backend().toHost(this); }

    public Tensor to(Device target) {
        if (target.equals(device())) return this;
        Tensor host = toHost();
        return target.isCpu() ? host : Backends.of(target).fromHost(host);
    }

    // ---------------------------------------------------------------- host element access (tests, I/O, small glue)

    private long elementIndex(long[] idx) {
        if (idx.length != shape.length) throw new IllegalArgumentException("index of rank " + idx.length + " for shape " + Shapes.str(shape));
        long e = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " for shape " + Shapes.str(shape));
            e += idx[i] * strides[i];
        }
        return e;
    }

    // Device tensors are read through a contiguous host copy, whose layout differs from this view's.
    public float getFloat(long... idx) {
        if (!device().isCpu()) return toHost().getFloat(idx);
        return HostAccess.readFloat(hostSegment(), dtype, elementIndex(idx));
    }

    public long getLong(long... idx) {
        if (!device().isCpu()) return toHost().getLong(idx);
        return HostAccess.readLong(hostSegment(), dtype, elementIndex(idx));
    }

    public void setFloat(float v, long... idx) { HostAccess.writeFloat(hostSegment(), dtype, elementIndex(idx), v); }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() on a tensor of shape " + Shapes.str(shape));
        if (!device().isCpu()) return toHost().item();
        return HostAccess.readFloat(hostSegment(), dtype, offset);
    }

    /** Receives each element's position in row-major order and its element index in the storage. */
    @FunctionalInterface
    private interface ElementVisitor { void visit(int position, long element); }

    private void forEachElement(ElementVisitor visitor) {
        int n = Math.toIntExact(numel());
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            long e = offset;
            for (int d = 0; d < shape.length; d++) e += idx[d] * strides[d];
            visitor.visit(i, e);
            for (int d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
        }
    }

    /** All elements in row-major order, widened to float. */
    public float[] toFloatArray() {
        if (!device().isCpu()) return toHost().toFloatArray();
        MemorySegment seg = hostSegment();
        float[] out = new float[Math.toIntExact(numel())];
        if (dtype == DType.F32 && isContiguous()) {
            // one bulk copy: images, logits and gradients come through here by the megabyte
            MemorySegment.copy(seg, HostAccess.F32, offset * 4, out, 0, out.length);
            return out;
        }
        forEachElement((i, e) -> out[i] = HostAccess.readFloat(seg, dtype, e));
        return out;
    }

    /** All elements in row-major order as integers. */
    public long[] toLongArray() {
        if (!device().isCpu()) return toHost().toLongArray();
        MemorySegment seg = hostSegment();
        long[] out = new long[Math.toIntExact(numel())];
        forEachElement((i, e) -> out[i] = HostAccess.readLong(seg, dtype, e));
        return out;
    }

    @Override public String toString() {
        return "Tensor(" + dtype + " " + Shapes.str(shape) + (isContiguous() ? "" : " strided") + " on " + device() + ")";
    }
}

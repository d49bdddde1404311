package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClViews.checkRank;
import static org.efuf4j.gpu.opencl.ClViews.code;
import static org.efuf4j.gpu.opencl.ClViews.foldPair;
import static org.efuf4j.gpu.opencl.ClViews.shape8;
import static org.efuf4j.gpu.opencl.ClViews.stride8;

import java.util.Arrays;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.jocl.cl_mem;

/**
 * Memory and layout on one device: allocation, host transfers, strided copies with dtype conversion ({@code layout.cl})
 * and patch extraction. Every other kernel family allocates its outputs and converts its inputs through this one.
 */
final class ClMemory {
    final OpenClRuntime rt;
    final Device device;

    ClMemory(OpenClRuntime rt, Device device) {
        this.rt = rt;
        this.device = device;
    }

    /** An uninitialised contiguous tensor on this device. */
    Tensor empty(DType dtype, int... shape) {
        if (dtype == DType.F64) throw new IllegalArgumentException("F64 tensors are not supported on OpenCL devices (no cl_khr_fp64 assumed)");
        long bytes = Shapes.numel(shape) * dtype.byteSize();
        return Tensor.contiguous(new DeviceStorage(rt, device, bytes), dtype, shape);
    }

    /** Checks that {@code t} lives on this device; returns it. */
    Tensor own(Tensor t) {
        if (!t.device().equals(device)) throw new IllegalArgumentException("tensor " + t + " is not on " + device + "; move it with to(device)");
        return t;
    }

    static cl_mem mem(Tensor t) { return ((DeviceStorage) t.storage()).buffer; }

    Tensor f32(Tensor t) { return t.dtype() == DType.F32 ? t : cast(t, DType.F32); }

    /** Contiguous F32 starting at element 0 of its buffer: what kernels without an offset argument read. */
    Tensor f32c(Tensor t) { return t.dtype() == DType.F32 && t.isContiguous() && t.offset() == 0 ? t : cast(t, DType.F32); }

    Tensor zeros(DType dtype, int... shape) {
        Tensor t = empty(dtype, shape);
        rt.fillZero(mem(t), Math.max(4, t.numel() * dtype.byteSize()));
        return t;
    }

    Tensor fromHost(Tensor host) {
        if (!host.device().isCpu()) throw new IllegalArgumentException("fromHost expects a host tensor, got " + host);
        Tensor c = host.contiguous();
        Tensor t = empty(c.dtype(), c.shape());
        long bytes = c.numel() * c.dtype().byteSize();
        if (bytes > 0) rt.write(mem(t), 0, c.hostSegment().asSlice(c.offset() * c.dtype().byteSize(), bytes));
        return t;
    }

    Tensor toHost(Tensor tensor) {
        Tensor c = contiguous(tensor);
        Tensor host = Tensor.zeros(c.dtype(), c.shape());
        long bytes = c.numel() * c.dtype().byteSize();
        if (bytes > 0) rt.read(mem(c), c.offset() * c.dtype().byteSize(), host.hostSegment().asSlice(0, bytes));
        rt.errors.throwIfRaised(device);
        return host;
    }

    Tensor contiguous(Tensor x) {
        own(x);
        if (x.isContiguous()) return x;
        return cast(x, x.dtype());
    }

    Tensor cast(Tensor x, DType dtype) {
        own(x);
        Tensor out = empty(dtype, x.shape());
        copyInto(x, out);
        return out;
    }

    void copyInto(Tensor src, Tensor dst) {
        own(src);
        own(dst);
        if (!Arrays.equals(src.shape(), dst.shape()))
            throw new IllegalArgumentException("copyInto: source shape " + Shapes.str(src.shape()) + " differs from destination " + Shapes.str(dst.shape()));
        if (src.numel() == 0) return;
        Tensor[] folded = foldPair(src, dst);
        Tensor s = folded[0], d = folded[1];
        boolean integral = !src.dtype().isFloating() || !dst.dtype().isFloating();
        checkRank(s);
        rt.kernel("copy_strided").l(s.numel()).i(s.rank()).i8(shape8(s))
                .mem(mem(s)).i(code(s.dtype())).l(s.offset()).l8(stride8(s))
                .mem(mem(d)).i(code(d.dtype())).l(d.offset()).l8(stride8(d)).i(integral ? 1 : 0)
                .run(new long[] {s.numel()}, null);
    }

    /** Patches are a permuted view of the images, so extracting them is one strided copy. */
    Tensor patches(Tensor images, int patch) {
        own(images);
        if (images.rank() != 4) throw new IllegalArgumentException("patches expects images [B, C, H, W], got " + Shapes.str(images.shape()));
        int b = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        if (patch <= 0 || h % patch != 0 || w % patch != 0)
            throw new IllegalArgumentException("image " + h + "x" + w + " is not divisible into " + patch + "x" + patch + " patches");
        int gh = h / patch, gw = w / patch;
        Tensor view = contiguous(images).reshape(b, c, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5);
        return cast(view, DType.F32).reshape(b, gh * gw, c * patch * patch);
    }
}

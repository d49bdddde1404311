package org.efuf4j.gpu.opencl;

import java.util.Arrays;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.jocl.cl_mem;

/**
 * The Backend SPI on one OpenCL device. Tensors stay in device buffers; the only host transfers are
 * {@link #fromHost} and {@link #toHost}. Kernels take strided views directly where that is cheap
 * (elementwise, copies, GEMM operands) and contiguous F32 elsewhere.
 */
public final class OpenClBackend implements Backend {
    private static final int MAX_RANK = 8;

    private final OpenClRuntime rt;
    private final Device device;

    OpenClBackend(OpenClDevice d) {
        this.rt = new OpenClRuntime(d);
        this.device = new Device("opencl", d.index());
    }

    public OpenClDevice openClDevice() { return rt.device; }

    @Override public Device device() { return device; }

    // ------------------------------------------------------------ memory

    private Tensor empty(DType dtype, int... shape) {
        checkDtype(dtype);
        long bytes = Shapes.numel(shape) * dtype.byteSize();
        return Tensor.contiguous(new DeviceStorage(rt, device, bytes), dtype, shape);
    }

    @Override public synchronized Tensor zeros(DType dtype, int... shape) {
        Tensor t = empty(dtype, shape);
        rt.fillZero(mem(t), Math.max(4, t.numel() * dtype.byteSize()));
        return t;
    }

    @Override public synchronized Tensor fromHost(Tensor host) {
        if (!host.device().isCpu()) throw new IllegalArgumentException("fromHost expects a host tensor, got " + host);
        Tensor c = host.contiguous();
        Tensor t = empty(c.dtype(), c.shape());
        long bytes = c.numel() * c.dtype().byteSize();
        if (bytes > 0) rt.write(mem(t), 0, c.hostSegment().asSlice(c.offset() * c.dtype().byteSize(), bytes));
        return t;
    }

    @Override public synchronized Tensor toHost(Tensor tensor) {
        Tensor c = contiguous(tensor);
        Tensor host = Tensor.zeros(c.dtype(), c.shape());
        long bytes = c.numel() * c.dtype().byteSize();
        if (bytes > 0) rt.read(mem(c), c.offset() * c.dtype().byteSize(), host.hostSegment().asSlice(0, bytes));
        rt.errors.throwIfRaised(device);
        return host;
    }

    @Override public synchronized Tensor contiguous(Tensor x) {
        own(x);
        if (x.isContiguous()) return x;
        return cast(x, x.dtype());
    }

    @Override public synchronized Tensor cast(Tensor x, DType dtype) {
        own(x);
        Tensor out = empty(dtype, x.shape());
        copyInto(x, out);
        return out;
    }

    @Override public synchronized void copyInto(Tensor src, Tensor dst) {
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

    // ------------------------------------------------------------ linear algebra

    @Override public synchronized Tensor matmul(Tensor a, Tensor b) {
        own(a);
        own(b);
        if (a.rank() < 2 || b.rank() < 2)
            throw new IllegalArgumentException("matmul needs rank >= 2, got " + Shapes.str(a.shape()) + " @ " + Shapes.str(b.shape()));
        int m = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
        if (b.dim(-2) != k) throw new IllegalArgumentException("matmul shapes " + Shapes.str(a.shape()) + " @ " + Shapes.str(b.shape()) + ": inner dims " + k + " vs " + b.dim(-2));
        int[] lead = Shapes.broadcast(Arrays.copyOf(a.shape(), a.rank() - 2), Arrays.copyOf(b.shape(), b.rank() - 2));
        Tensor a3 = batched(f32(a), lead, m, k), b3 = batched(b, lead, k, n);
        int batch = a3.dim(0);
        Tensor out = empty(DType.F32, concat(lead, m, n));
        gemm(a3, b3, out, batch, m, n, k, null);
        return out;
    }

    @Override public synchronized Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        own(x);
        own(weight);
        int in = x.dim(-1), outF = weight.dim(0);
        if (weight.rank() != 2 || weight.dim(1) != in)
            throw new IllegalArgumentException("linear: weight " + Shapes.str(weight.shape()) + " does not take inputs of width " + in);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != outF))
            throw new IllegalArgumentException("linear: bias " + Shapes.str(bias.shape()) + " for " + outF + " outputs");
        int rows = (int) (x.numel() / in);
        Tensor x3 = f32(x).reshape(1, rows, in);
        Tensor w3 = weight.transpose(0, 1).unsqueeze(0);
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outF;
        Tensor out = empty(DType.F32, outShape);
        gemm(x3, w3, out, 1, rows, outF, in, bias);
        return out;
    }

    private void gemm(Tensor a3, Tensor b3, Tensor out, int batch, int m, int n, int k, Tensor bias) {
        if (bias != null) own(bias);
        Tensor bs = bias == null ? out : bias;
        int tile = rt.params.gemmTile(), ts = rt.params.gemmThreads();
        rt.kernel("matmul").i(m).i(n).i(k)
                .mem(mem(a3)).l(a3.offset()).l(a3.stride(1)).l(a3.stride(2)).l(a3.stride(0))
                .mem(mem(b3)).i(code(b3.dtype())).l(b3.offset()).l(b3.stride(1)).l(b3.stride(2)).l(b3.stride(0))
                .mem(mem(out)).l((long) m * n)
                .mem(mem(bs)).i(code(bs.dtype())).l(bias == null ? 0 : bias.offset()).i(bias == null ? 0 : 1)
                .run(new long[] {(long) (n + tile - 1) / tile * ts, (long) (m + tile - 1) / tile * ts, batch}, new long[] {ts, ts, 1});
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
            e = contiguous(e);
            st = e.strides();
        }
        return new Tensor(e.storage(), e.dtype(), new int[] {(int) batch, r, c}, new long[] {st[nl - 1], st[nl], st[nl + 1]}, e.offset());
    }

    // ------------------------------------------------------------ elementwise

    @Override public synchronized Tensor unary(UnaryOp op, Tensor x) {
        own(x);
        Tensor s = fold(x);
        checkRank(s);
        Tensor out = empty(DType.F32, x.shape());
        rt.kernel("unary").l(x.numel()).i(op.ordinal()).i(s.rank()).i8(shape8(s)).mem(mem(s)).i(code(s.dtype())).l(s.offset()).l8(stride8(s))
                .mem(mem(out)).run(new long[] {x.numel()}, null);
        return out;
    }

    @Override public synchronized Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        own(a);
        own(b);
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        Tensor ea = a.expand(shape), eb = b.expand(shape);
        checkRank(ea);
        Tensor out = empty(DType.F32, shape);
        rt.kernel("binary").l(out.numel()).i(op.ordinal()).i(shape.length).i8(shape8(ea))
                .mem(mem(ea)).i(code(ea.dtype())).l(ea.offset()).l8(stride8(ea))
                .mem(mem(eb)).i(code(eb.dtype())).l(eb.offset()).l8(stride8(eb))
                .mem(mem(out)).run(new long[] {out.numel()}, null);
        return out;
    }

    @Override public synchronized Tensor affine(Tensor x, float scale, float shift) {
        own(x);
        Tensor s = fold(x);
        checkRank(s);
        Tensor out = empty(DType.F32, x.shape());
        rt.kernel("affine").l(x.numel()).f(scale).f(shift).i(s.rank()).i8(shape8(s)).mem(mem(s)).i(code(s.dtype())).l(s.offset()).l8(stride8(s))
                .mem(mem(out)).run(new long[] {x.numel()}, null);
        return out;
    }

    // ------------------------------------------------------------ reductions

    @Override public synchronized Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) {
        own(x);
        int a = Shapes.axis(axis, x.rank());
        Tensor c = f32c(x);
        int[] sh = x.shape();
        int outer = (int) Shapes.numel(Arrays.copyOfRange(sh, 0, a)), n = sh[a], inner = (int) Shapes.numel(Arrays.copyOfRange(sh, a + 1, sh.length));
        Tensor out = empty(DType.F32, reducedShape(sh, a, keepDim));
        rt.kernel("reduce_axis").i(outer).i(n).i(inner).i(op.ordinal()).mem(mem(c)).mem(mem(out)).run(new long[] {inner, outer}, null);
        return out;
    }

    @Override public synchronized Tensor argmax(Tensor x, int axis) {
        own(x);
        int a = Shapes.axis(axis, x.rank());
        Tensor c = f32c(x);
        int[] sh = x.shape();
        int outer = (int) Shapes.numel(Arrays.copyOfRange(sh, 0, a)), n = sh[a], inner = (int) Shapes.numel(Arrays.copyOfRange(sh, a + 1, sh.length));
        Tensor out = empty(DType.I64, reducedShape(sh, a, false));
        rt.kernel("argmax_axis").i(outer).i(n).i(inner).mem(mem(c)).mem(mem(out)).run(new long[] {inner, outer}, null);
        return out;
    }

    @Override public synchronized Tensor softmax(Tensor x) { return softmaxRows(x, false); }

    @Override public synchronized Tensor logSoftmax(Tensor x) { return softmaxRows(x, true); }

    private Tensor softmaxRows(Tensor x, boolean log) {
        own(x);
        Tensor c = f32c(x);
        int n = x.dim(-1);
        long rows = x.numel() / Math.max(1, n);
        Tensor out = empty(DType.F32, x.shape());
        int wg = rt.params.rowGroup();
        rt.kernel("softmax_rows").i(n).i(log ? 1 : 0).mem(mem(c)).mem(mem(out)).run(new long[] {rows * wg}, new long[] {wg});
        return out;
    }

    // ------------------------------------------------------------ normalisation and positions

    @Override public synchronized Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return norm(x, weight, bias, eps, false); }

    @Override public synchronized Tensor rmsNorm(Tensor x, Tensor weight, float eps) { return norm(x, weight, null, eps, true); }

    private Tensor norm(Tensor x, Tensor w, Tensor b, float eps, boolean rms) {
        own(x);
        Tensor c = f32c(x);
        int n = x.dim(-1);
        Tensor wc = w == null ? null : contiguous(own(w)), bc = b == null ? null : contiguous(own(b));
        if (wc != null && wc.numel() != n) throw new IllegalArgumentException("norm weight " + Shapes.str(w.shape()) + " for rows of " + n);
        if (bc != null && bc.numel() != n) throw new IllegalArgumentException("norm bias " + Shapes.str(b.shape()) + " for rows of " + n);
        long rows = x.numel() / Math.max(1, n);
        Tensor out = empty(DType.F32, x.shape());
        int wg = rt.params.rowGroup();
        Tensor wd = wc == null ? c : wc, bd = bc == null ? c : bc;
        rt.kernel("norm_rows").i(n).i(rms ? 1 : 0).f(eps).mem(mem(c))
                .mem(mem(wd)).i(code(wd.dtype())).l(wd.offset()).i(wc == null ? 0 : 1)
                .mem(mem(bd)).i(code(bd.dtype())).l(bd.offset()).i(bc == null ? 0 : 1)
                .mem(mem(out)).run(new long[] {rows * wg}, new long[] {wg});
        return out;
    }

    @Override public synchronized Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) {
        own(x);
        own(positions);
        if (x.rank() != 4) throw new IllegalArgumentException("rope expects x [B, H, T, hd], got " + Shapes.str(x.shape()));
        int b = x.dim(0), h = x.dim(1), t = x.dim(2), d = x.dim(3);
        if (d % 2 != 0) throw new IllegalArgumentException("rope needs an even head dim, got " + d);
        if (positions.rank() != 2 || positions.dim(0) != b || positions.dim(1) != t)
            throw new IllegalArgumentException("rope positions " + Shapes.str(positions.shape()) + " for x " + Shapes.str(x.shape()) + ": expected [" + b + ", " + t + "]");
        Tensor c = f32c(x);
        Tensor out = empty(DType.F32, x.shape());
        rt.kernel("rope").i(b).i(h).i(t).i(d).f(theta).f(inverse ? -1f : 1f).mem(mem(c))
                .mem(mem(positions)).i(code(positions.dtype())).l(positions.offset()).l(positions.stride(0)).l(positions.stride(1))
                .mem(mem(out)).run(new long[] {d / 2, t, (long) b * h}, null);
        return out;
    }

    // ------------------------------------------------------------ lookups and layout

    @Override public synchronized Tensor embedding(Tensor table, Tensor ids) {
        own(table);
        own(ids);
        if (table.rank() != 2) throw new IllegalArgumentException("embedding table must be [vocab, dim], got " + Shapes.str(table.shape()));
        if (ids.dtype().isFloating()) throw new IllegalArgumentException("embedding ids must be integers, got " + ids.dtype());
        Tensor ic = contiguous(ids);
        int rows = (int) ids.numel(), dim = table.dim(1);
        Tensor out = empty(DType.F32, concat(ids.shape(), dim));
        rt.kernel("embedding").i(rows).i(dim).mem(mem(table)).i(code(table.dtype())).l(table.offset()).l(table.stride(0)).l(table.stride(1)).i(table.dim(0))
                .mem(mem(ic)).i(code(ic.dtype())).l(ic.offset()).mem(mem(out)).mem(rt.errors.flag(DeviceErrors.Kind.TOKEN_ID))
                .run(new long[] {dim, rows}, null);
        return out;
    }

    @Override public synchronized Tensor patches(Tensor images, int patch) {
        own(images);
        if (images.rank() != 4) throw new IllegalArgumentException("patches expects images [B, C, H, W], got " + Shapes.str(images.shape()));
        int b = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3);
        if (patch <= 0 || h % patch != 0 || w % patch != 0)
            throw new IllegalArgumentException("image " + h + "x" + w + " is not divisible into " + patch + "x" + patch + " patches");
        int gh = h / patch, gw = w / patch;
        Tensor view = contiguous(images).reshape(b, c, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5);
        return cast(view, DType.F32).reshape(b, gh * gw, c * patch * patch);
    }

    // ------------------------------------------------------------ attention

    @Override public synchronized Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        own(q);
        own(k);
        own(v);
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2);
        if (k.dim(0) != b || v.dim(0) != b || k.dim(3) != d || v.dim(3) != d || v.dim(1) != hkv || v.dim(2) != tk || hq % hkv != 0)
            throw new IllegalArgumentException("attention shapes q " + Shapes.str(q.shape()) + ", k " + Shapes.str(k.shape()) + ", v " + Shapes.str(v.shape()));
        if (d > rt.params.maxHeadDim()) throw new IllegalArgumentException("attention head dim " + d + " above this device's limit " + rt.params.maxHeadDim());
        Tensor keep = mask.keyPadding() == null ? null : f32c(own(mask.keyPadding()));
        if (keep != null && (keep.numel() != (long) b * tk))
            throw new IllegalArgumentException("attention key padding mask " + Shapes.str(mask.keyPadding().shape()) + " for [" + b + ", " + tk + "]");
        Tensor out = empty(DType.F32, b, hq, tq, d);
        Tensor qc = f32c(q), kc = f32c(k), vc = f32c(v);
        rt.kernel("attention").i(b).i(hq).i(hkv).i(tq).i(tk).i(d).f(scale).i(mask.causal() ? 1 : 0).i(mask.queryOffset())
                .mem(mem(qc)).mem(mem(kc)).mem(mem(vc)).mem(mem(keep == null ? qc : keep)).i(keep == null ? 0 : 1)
                .mem(mem(out)).run(new long[] {tq, (long) b * hq}, null);
        return out;
    }

    // ------------------------------------------------------------ helpers

    private Tensor own(Tensor t) {
        if (!t.device().equals(device)) throw new IllegalArgumentException("tensor " + t + " is not on " + device + "; move it with to(device)");
        return t;
    }

    private static cl_mem mem(Tensor t) { return ((DeviceStorage) t.storage()).buffer; }

    private Tensor f32(Tensor t) { return t.dtype() == DType.F32 ? t : cast(t, DType.F32); }

    /** Contiguous F32 starting at element 0 of its buffer: what kernels without an offset argument read. */
    private Tensor f32c(Tensor t) { return t.dtype() == DType.F32 && t.isContiguous() && t.offset() == 0 ? t : cast(t, DType.F32); }

    private static void checkDtype(DType dt) {
        if (dt == DType.F64) throw new IllegalArgumentException("F64 tensors are not supported on OpenCL devices (no cl_khr_fp64 assumed)");
    }

    static int code(DType dt) {
        return switch (dt) {
            case F32 -> 0;
            case F16 -> 1;
            case BF16 -> 2;
            case I64 -> 3;
            case I32 -> 4;
            case U8, BOOL -> 5;
            case F64 -> throw new IllegalArgumentException("F64 tensors are not supported on OpenCL devices");
        };
    }

    private static void checkRank(Tensor t) {
        if (t.rank() > MAX_RANK) throw new IllegalArgumentException("OpenCL kernels take tensors of rank <= " + MAX_RANK + ", got " + Shapes.str(t.shape()));
    }

    /** Merges adjacent dimensions that are contiguous with each other, so most views fit the kernels' rank limit. */
    private static Tensor fold(Tensor t) { return foldPair(t, t)[0]; }

    /** Folds dimensions of two equally shaped views jointly: a merge must be contiguous in both. */
    private static Tensor[] foldPair(Tensor a, Tensor b) {
        int[] sh = a.shape();
        long[] sa = a.strides(), sb = b.strides();
        int[] ns = new int[sh.length];
        long[] na = new long[sh.length], nb = new long[sh.length];
        int r = 0;
        for (int i = 0; i < sh.length; i++) {
            if (sh[i] == 1) continue;
            if (r > 0 && na[r - 1] == sa[i] * sh[i] && nb[r - 1] == sb[i] * sh[i]) {
                ns[r - 1] *= sh[i];
                na[r - 1] = sa[i];
                nb[r - 1] = sb[i];
            } else {
                ns[r] = sh[i];
                na[r] = sa[i];
                nb[r++] = sb[i];
            }
        }
        int[] fs = Arrays.copyOf(ns, r);
        return new Tensor[] {new Tensor(a.storage(), a.dtype(), fs, Arrays.copyOf(na, r), a.offset()),
                new Tensor(b.storage(), b.dtype(), fs, Arrays.copyOf(nb, r), b.offset())};
    }

    private static int[] shape8(Tensor t) { return Arrays.copyOf(t.shape(), 8); }

    private static long[] stride8(Tensor t) { return Arrays.copyOf(t.strides(), 8); }

    private static int[] concat(int[] lead, int... tail) {
        int[] r = Arrays.copyOf(lead, lead.length + tail.length);
        System.arraycopy(tail, 0, r, lead.length, tail.length);
        return r;
    }

    private static int[] reducedShape(int[] sh, int a, boolean keep) {
        if (keep) {
            int[] r = sh.clone();
            r[a] = 1;
            return r;
        }
        int[] r = new int[sh.length - 1];
        for (int i = 0, j = 0; i < sh.length; i++) if (i != a) r[j++] = sh[i];
        return r;
    }

    // ------------------------------------------------------------ training: backward kernels and optimizer steps

    @Override public synchronized Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy) {
        own(x);
        own(dy);
        if (!Arrays.equals(x.shape(), dy.shape()))
            throw new IllegalArgumentException("unaryBackward: gradient " + Shapes.str(dy.shape()) + " for input " + Shapes.str(x.shape()));
        Tensor[] f = foldPair(x, dy);
        checkRank(f[0]);
        Tensor out = empty(DType.F32, x.shape());
        rt.kernel("unary_backward").l(x.numel()).i(op.ordinal()).i(f[0].rank()).i8(shape8(f[0]))
                .mem(mem(f[0])).i(code(f[0].dtype())).l(f[0].offset()).l8(stride8(f[0]))
                .mem(mem(f[1])).i(code(f[1].dtype())).l(f[1].offset()).l8(stride8(f[1]))
                .mem(mem(out)).run(new long[] {x.numel()}, null);
        return out;
    }

    @Override public synchronized Tensor softmaxBackward(Tensor y, Tensor dy) { return softmaxBackwardRows(y, dy, false); }

    @Override public synchronized Tensor logSoftmaxBackward(Tensor y, Tensor dy) { return softmaxBackwardRows(y, dy, true); }

    private Tensor softmaxBackwardRows(Tensor y, Tensor dy, boolean log) {
        requireSameShape("softmax backward", y, dy);
        Tensor yc = f32c(own(y)), gc = f32c(own(dy));
        int n = y.dim(-1);
        long rows = y.numel() / Math.max(1, n);
        Tensor out = empty(DType.F32, y.shape());
        int wg = rt.params.rowGroup();
        rt.kernel("softmax_backward_rows").i(n).i(log ? 1 : 0).mem(mem(yc)).mem(mem(gc)).mem(mem(out)).run(new long[] {rows * wg}, new long[] {wg});
        return out;
    }

    @Override public synchronized NormGrads layerNormBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy) {
        return normBackward(x, weight, hasBias, eps, dy, false);
    }

    @Override public synchronized NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        return normBackward(x, weight, false, eps, dy, true);
    }

    private NormGrads normBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy, boolean rms) {
        requireSameShape("norm backward", x, dy);
        Tensor xc = f32c(own(x)), gc = f32c(own(dy));
        int n = x.rank() == 0 ? 1 : x.dim(-1);
        long rows = x.numel() / Math.max(1, n);
        Tensor wc = weight == null ? null : contiguous(own(weight));
        if (wc != null && wc.numel() != n) throw new IllegalArgumentException("norm weight " + Shapes.str(weight.shape()) + " for rows of " + n);
        Tensor dx = empty(DType.F32, x.shape());
        Tensor stats = empty(DType.F32, (int) Math.max(1, 2 * rows));
        Tensor wd = wc == null ? xc : wc;
        int wg = rt.params.rowGroup();
        rt.kernel("norm_backward_rows").i(n).i(rms ? 1 : 0).f(eps).mem(mem(xc)).mem(mem(wd)).i(code(wd.dtype())).l(wd.offset()).i(wc == null ? 0 : 1)
                .mem(mem(gc)).mem(mem(dx)).mem(mem(stats)).run(new long[] {rows * wg}, new long[] {wg});
        Tensor dw = null, db = null;
        if (wc != null || hasBias) {
            Tensor dwOut = empty(DType.F32, n), dbOut = hasBias ? empty(DType.F32, n) : dwOut;
            rt.kernel("norm_backward_cols").i((int) rows).i(n).mem(mem(xc)).mem(mem(gc)).mem(mem(stats)).mem(mem(dwOut)).mem(mem(dbOut)).i(hasBias ? 1 : 0)
                    .run(new long[] {n}, null);
            dw = wc == null ? null : dwOut;
            db = hasBias ? dbOut : null;
        }
        return new NormGrads(dx, dw, db);
    }

    @Override public synchronized AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut) {
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2);
        requireSameShape("attention backward output", out, dOut);
        if (d > rt.params.maxHeadDim()) throw new IllegalArgumentException("attention head dim " + d + " above this device's limit " + rt.params.maxHeadDim());
        Tensor qc = f32c(own(q)), kc = f32c(own(k)), vc = f32c(own(v)), oc = f32c(own(out)), gc = f32c(own(dOut));
        Tensor keep = mask.keyPadding() == null ? null : f32c(own(mask.keyPadding()));
        Tensor dq = empty(DType.F32, b, hq, tq, d), dk = empty(DType.F32, b, hkv, tk, d), dv = empty(DType.F32, b, hkv, tk, d);
        Tensor lse = empty(DType.F32, Math.max(1, b * hq * tq)), delta = empty(DType.F32, Math.max(1, b * hq * tq));
        Tensor keepArg = keep == null ? qc : keep;
        rt.kernel("attention_backward_q").i(b).i(hq).i(hkv).i(tq).i(tk).i(d).f(scale).i(mask.causal() ? 1 : 0).i(mask.queryOffset())
                .mem(mem(qc)).mem(mem(kc)).mem(mem(vc)).mem(mem(keepArg)).i(keep == null ? 0 : 1).mem(mem(oc)).mem(mem(gc))
                .mem(mem(dq)).mem(mem(lse)).mem(mem(delta)).run(new long[] {tq, (long) b * hq}, null);
        rt.kernel("attention_backward_kv").i(b).i(hq).i(hkv).i(tq).i(tk).i(d).f(scale).i(mask.causal() ? 1 : 0).i(mask.queryOffset())
                .mem(mem(qc)).mem(mem(kc)).mem(mem(vc)).mem(mem(keepArg)).i(keep == null ? 0 : 1).mem(mem(gc))
                .mem(mem(lse)).mem(mem(delta)).mem(mem(dk)).mem(mem(dv)).run(new long[] {tk, (long) b * hkv}, null);
        return new AttentionGrads(dq, dk, dv);
    }

    @Override public synchronized CrossEntropy crossEntropy(Tensor logits, Tensor targets) {
        Tensor lc = checkLogits(logits, targets);
        Tensor tc = contiguous(own(targets));
        int rows = logits.dim(0), vocab = logits.dim(1);
        Tensor loss = empty(DType.F32, rows), valid = empty(DType.F32, rows);
        int wg = rt.params.rowGroup();
        rt.kernel("cross_entropy_rows").i(vocab).mem(mem(lc)).mem(mem(tc)).i(code(tc.dtype())).l(tc.offset())
                .mem(mem(loss)).mem(mem(valid)).mem(rt.errors.flag(DeviceErrors.Kind.TARGET)).run(new long[] {(long) rows * wg}, new long[] {wg});
        return new CrossEntropy(loss, valid);
    }

    @Override public synchronized Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor dLoss) {
        Tensor lc = checkLogits(logits, targets);
        Tensor tc = contiguous(own(targets));
        own(dLoss);
        int rows = logits.dim(0), vocab = logits.dim(1);
        if (dLoss.rank() != 1 || dLoss.dim(0) != rows)
            throw new IllegalArgumentException("crossEntropyBackward upstream gradient " + Shapes.str(dLoss.shape()) + ", expected [" + rows + "]");
        Tensor out = empty(DType.F32, rows, vocab);
        int wg = rt.params.rowGroup();
        rt.kernel("cross_entropy_backward_rows").i(vocab).mem(mem(lc)).mem(mem(tc)).i(code(tc.dtype())).l(tc.offset())
                .mem(mem(dLoss)).i(code(dLoss.dtype())).l(dLoss.offset()).l(dLoss.stride(0)).mem(mem(out))
                .run(new long[] {(long) rows * wg}, new long[] {wg});
        return out;
    }

    private Tensor checkLogits(Tensor logits, Tensor targets) {
        own(logits);
        own(targets);
        if (logits.rank() != 2) throw new IllegalArgumentException("cross-entropy logits must be [N, V], got " + Shapes.str(logits.shape()));
        if (targets.dtype().isFloating()) throw new IllegalArgumentException("cross-entropy targets must be integers, got " + targets.dtype());
        if (targets.numel() != logits.dim(0))
            throw new IllegalArgumentException("cross-entropy targets hold " + targets.numel() + " labels for " + logits.dim(0) + " logit rows");
        return f32c(logits);
    }

    @Override public synchronized Tensor embeddingBackward(Tensor ids, Tensor dy, int vocab) {
        own(ids);
        own(dy);
        int dim = dy.rank() == 0 ? 1 : dy.dim(-1);
        if (dy.numel() != ids.numel() * dim)
            throw new IllegalArgumentException("embeddingBackward: gradient " + Shapes.str(dy.shape()) + " does not match ids " + Shapes.str(ids.shape()));
        Tensor ic = contiguous(ids), gc = f32c(dy);
        // Ids were range-checked by the forward lookup on the same tensor; the scatter trusts them.
        Tensor table = zeros(DType.F32, vocab, dim);
        rt.kernel("embedding_backward").i((int) ids.numel()).i(dim).mem(mem(ic)).i(code(ic.dtype())).l(ic.offset()).mem(mem(gc)).mem(mem(table))
                .run(new long[] {dim}, null);
        return table;
    }

    @Override public synchronized Tensor dropoutMask(float p, long seed, int... shape) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        Tensor out = empty(DType.F32, shape);
        rt.kernel("dropout_mask").l(out.numel()).f(p).l(seed).mem(mem(out)).run(new long[] {out.numel()}, null);
        return out;
    }

    @Override public synchronized void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
        if (step < 1) throw new IllegalArgumentException("AdamW step counts from 1, got " + step);
        inPlace("parameter", param, param);
        inPlace("AdamW first moment", m, param);
        inPlace("AdamW second moment", v, param);
        requireSameShape("AdamW gradient", param, grad);
        Tensor g = f32c(own(grad));
        float decay = 1f - lr * weightDecay;
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        long n = param.numel();
        rt.kernel("adamw").l(n).mem(mem(param)).mem(mem(g)).mem(mem(m)).mem(mem(v)).f(decay).f(beta1).f(beta2).f(eps).f(stepSize).f(bc2Sqrt)
                .run(new long[] {n}, null);
    }

    @Override public synchronized void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        inPlace("parameter", param, param);
        requireSameShape("SGD gradient", param, grad);
        if (momentum != 0f && momentumBuffer == null) throw new IllegalArgumentException("SGD with momentum " + momentum + " needs a momentum buffer");
        if (momentumBuffer != null) inPlace("SGD momentum buffer", momentumBuffer, param);
        Tensor g = f32c(own(grad));
        Tensor buf = momentum == 0f || momentumBuffer == null ? param : momentumBuffer;
        long n = param.numel();
        rt.kernel("sgd").l(n).mem(mem(param)).mem(mem(g)).mem(mem(buf)).i(buf == param ? 0 : 1).f(lr).f(momentum).f(dampening).f(weightDecay)
                .i(nesterov ? 1 : 0).i(firstStep ? 1 : 0).run(new long[] {n}, null);
    }

    /** In-place updates need contiguous F32 starting at the buffer's first element (kernels index from 0). */
    private void inPlace(String what, Tensor t, Tensor like) {
        own(t);
        if (t.dtype() != DType.F32 || !t.isContiguous() || t.offset() != 0)
            throw new IllegalArgumentException(what + " must be a whole contiguous F32 device tensor to update in place, got " + t);
        if (!Arrays.equals(t.shape(), like.shape()))
            throw new IllegalArgumentException(what + " shape " + Shapes.str(t.shape()) + " differs from parameter " + Shapes.str(like.shape()));
    }

    private static void requireSameShape(String what, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException(what + ": shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()) + " differ");
    }
}

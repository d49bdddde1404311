package org.efuf4j.tensor.reference;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.DropoutRng;
import org.efuf4j.tensor.HostAccess;
import org.efuf4j.tensor.HostStorage;
import org.efuf4j.tensor.MatmulContract;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryMath;
import org.efuf4j.tensor.UnaryOp;

/**
 * The slow, obviously-correct twin of every backend kernel, in double precision on its own device
 * ({@code ref64:0}). Plain single-threaded loops over row-major double arrays; no tuning. It exists so
 * that kernels can be compared against it and gradients checked by finite differences in double, and
 * it doubles as a proof that the layers above stay on a non-host device (every call goes through the SPI).
 * Integer tensors (ids, masks) may be passed as host tensors.
 */
public final class ReferenceBackend implements Backend {
    public static final Device DEVICE = new Device("ref64", 0);
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private ReferenceBackend() {}

    @Override public Device device() { return DEVICE; }

    // ------------------------------------------------------------ element access

    /** Row-major element offsets of any strided view. */
    private static long[] offsets(Tensor t) {
        int[] shape = t.shape();
        long[] strides = t.strides();
        long[] out = new long[Math.toIntExact(t.numel())];
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            long e = t.offset();
            for (int d = 0; d < shape.length; d++) e += idx[d] * strides[d];
            out[i] = e;
            for (int d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
        }
        return out;
    }

    /** Elements of a reference or host tensor, row-major, in double. */
    public static double[] read(Tensor t) {
        long[] off = offsets(t);
        double[] out = new double[off.length];
        if (t.storage() instanceof ReferenceStorage r) {
            for (int i = 0; i < off.length; i++) out[i] = r.data()[(int) off[i]];
        } else if (t.storage() instanceof HostStorage h) {
            MemorySegment seg = h.segment();
            for (int i = 0; i < off.length; i++)
                out[i] = switch (t.dtype()) {
                    case F64 -> seg.get(HostAccess.F64, off[i] * 8);
                    case I64, I32, U8, BOOL -> HostAccess.readLong(seg, t.dtype(), off[i]);
                    default -> HostAccess.readFloat(seg, t.dtype(), off[i]);
                };
        } else {
            throw new IllegalArgumentException("the reference backend cannot read " + t + " (storage on " + t.device() + ")");
        }
        return out;
    }

    private static long[] readIds(Tensor t, String what) {
        if (t.dtype().isFloating() && !(t.storage() instanceof ReferenceStorage))
            throw new IllegalArgumentException(what + " must be I64/I32, got " + t.dtype());
        double[] d = read(t);
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (long) d[i];
        return out;
    }

    /** A reference tensor over {@code data} (row-major). */
    public static Tensor wrap(double[] data, int... shape) {
        if (Shapes.numel(shape) != data.length)
            throw new IllegalArgumentException("data of length " + data.length + " does not fill shape " + Shapes.str(shape));
        return Tensor.contiguous(new ReferenceStorage(data), DType.F64, shape);
    }

    private static ReferenceStorage storageOf(Tensor t, String what) {
        if (!(t.storage() instanceof ReferenceStorage r)) throw new IllegalArgumentException(what + " must live on " + DEVICE + ", got " + t);
        return r;
    }

    private static void sameShape(String what, Tensor a, int[] shape) {
        if (!Arrays.equals(a.shape(), shape))
            throw new IllegalArgumentException(what + ": expected shape " + Shapes.str(shape) + ", got " + Shapes.str(a.shape()));
    }

    private static int last(Tensor t) { return t.rank() == 0 ? 1 : t.dim(-1); }

    /** A norm's weight or bias: null, or one value per element of a row of {@code x}. */
    private static void rowParameter(String what, Tensor p, Tensor x) {
        if (p != null && p.numel() != last(x)) throw new IllegalArgumentException(what + " " + Shapes.str(p.shape()) + " for rows of " + last(x));
    }

    private static void attentionShapes(Tensor q, Tensor k, Tensor v) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4 || k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0) || k.dim(3) != q.dim(3)
                || v.dim(3) != q.dim(3) || v.dim(1) != k.dim(1) || v.dim(2) != k.dim(2) || q.dim(1) % k.dim(1) != 0)
            throw new IllegalArgumentException("attention shapes q " + Shapes.str(q.shape()) + ", k " + Shapes.str(k.shape()) + ", v " + Shapes.str(v.shape()));
    }

    private static void checkLogits(Tensor logits, Tensor targets) {
        if (logits.rank() != 2) throw new IllegalArgumentException("cross-entropy logits must be [N, V], got " + Shapes.str(logits.shape()));
        if (targets.numel() != logits.dim(0))
            throw new IllegalArgumentException("cross-entropy targets hold " + targets.numel() + " labels for " + logits.dim(0) + " logit rows");
    }

    /** The array an in-place update writes: a whole contiguous reference tensor of the parameter's shape. */
    private static double[] inPlace(String what, Tensor t, Tensor like) {
        ReferenceStorage r = storageOf(t, what);
        if (!t.isContiguous() || t.offset() != 0 || t.numel() != r.data().length)
            throw new IllegalArgumentException(what + " must be a whole contiguous tensor to update in place, got " + t);
        sameShape(what + " shape " + Shapes.str(t.shape()) + " differs from parameter " + Shapes.str(like.shape()), t, like.shape());
        return r.data();
    }

    // ------------------------------------------------------------ memory

    @Override public Tensor zeros(DType dtype, int... shape) { return wrap(new double[Math.toIntExact(Shapes.numel(shape))], shape); }

    @Override public Tensor fromHost(Tensor host) { return wrap(read(host), host.shape()); }

    @Override public Tensor toHost(Tensor tensor) {
        double[] d = read(tensor);
        return Tensor.contiguous(new HostStorage(MemorySegment.ofArray(d), false), DType.F64, tensor.shape());
    }

    @Override public Tensor contiguous(Tensor x) { return wrap(read(x), x.shape()); }

    /** Values rounded to {@code dtype} as the CPU backend rounds them, kept in F64 storage. */
    @Override public Tensor cast(Tensor x, DType dtype) {
        if (dtype == DType.F64) return contiguous(x);
        return wrap(read(Backends.cpu().cast(toHost(x), dtype)), x.shape());
    }

    @Override public void copyInto(Tensor src, Tensor dst) {
        sameShape("copyInto destination", dst, src.shape());
        double[] s = read(src);
        double[] d = storageOf(dst, "copyInto destination").data();
        long[] off = offsets(dst);
        for (int i = 0; i < s.length; i++) d[(int) off[i]] = s[i];
    }

    // ------------------------------------------------------------ linear algebra

    @Override public Tensor matmul(Tensor a, Tensor b) { return MatmulContract.apply(a, b, ReferenceBackend::matrices); }

    private static Tensor matrices(Tensor a, Tensor b) {
        int m = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
        int[] batch = Shapes.broadcast(Arrays.copyOf(a.shape(), a.rank() - 2), Arrays.copyOf(b.shape(), b.rank() - 2));
        double[] av = read(a.expand(concat(batch, m, k))), bv = read(b.expand(concat(batch, k, n)));
        int nb = Math.toIntExact(Shapes.numel(batch));
        double[] out = new double[nb * m * n];
        for (int p = 0; p < nb; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < k; c++) s += av[(p * m + i) * k + c] * bv[(p * k + c) * n + j];
                    out[(p * m + i) * n + j] = s;
                }
        return wrap(out, concat(batch, m, n));
    }

    private static int[] concat(int[] head, int... tail) {
        int[] r = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }

    @Override public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || x.rank() == 0 || weight.dim(1) != x.dim(-1))
            throw new IllegalArgumentException("linear: weight " + Shapes.str(weight.shape()) + " does not take inputs " + Shapes.str(x.shape()));
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0)))
            throw new IllegalArgumentException("linear: bias " + Shapes.str(bias.shape()) + " for " + weight.dim(0) + " outputs");
        Tensor y = matmul(x, weight.transpose(0, 1));
        return bias == null ? y : binary(BinaryOp.ADD, y, bias);
    }

    // ------------------------------------------------------------ elementwise

    @Override public Tensor unary(UnaryOp op, Tensor x) {
        double[] v = read(x);
        for (int i = 0; i < v.length; i++) v[i] = UnaryMath.value(op, v[i]);
        return wrap(v, x.shape());
    }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        double[] av = read(a.expand(shape)), bv = read(b.expand(shape));
        for (int i = 0; i < av.length; i++)
            av[i] = switch (op) {
                case ADD -> av[i] + bv[i];
                case SUB -> av[i] - bv[i];
                case MUL -> av[i] * bv[i];
                case DIV -> av[i] / bv[i];
                case MAX -> Math.max(av[i], bv[i]);
                case MIN -> Math.min(av[i], bv[i]);
            };
        return wrap(av, shape);
    }

    @Override public Tensor affine(Tensor x, float scale, float shift) {
        double[] v = read(x);
        for (int i = 0; i < v.length; i++) v[i] = v[i] * scale + shift;
        return wrap(v, x.shape());
    }

    // ------------------------------------------------------------ reductions

    @Override public Tensor reduce(ReduceOp op, Tensor x, int axis, boolean keepDim) {
        int a = Shapes.axis(axis, x.rank());
        int[] shape = x.shape();
        int outer = (int) Shapes.numel(Arrays.copyOf(shape, a)), len = shape[a];
        int inner = (int) Shapes.numel(Arrays.copyOfRange(shape, a + 1, shape.length));
        double[] v = read(x), out = new double[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double acc = switch (op) { case SUM, MEAN -> 0; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY; };
                for (int j = 0; j < len; j++) {
                    double e = v[(o * len + j) * inner + i];
                    acc = switch (op) { case SUM, MEAN -> acc + e; case MAX -> Math.max(acc, e); case MIN -> Math.min(acc, e); };
                }
                out[o * inner + i] = op == ReduceOp.MEAN ? acc / len : acc;
            }
        int[] outShape;
        if (keepDim) { outShape = shape.clone(); outShape[a] = 1; }
        else {
            outShape = new int[shape.length - 1];
            for (int d = 0, j = 0; d < shape.length; d++) if (d != a) outShape[j++] = shape[d];
        }
        return wrap(out, outShape);
    }

    @Override public Tensor argmax(Tensor x, int axis) {
        int a = Shapes.axis(axis, x.rank());
        // the axis moves to the end and the others keep their order (a transpose would swap the last one into its place)
        int[] order = new int[x.rank()];
        for (int d = 0, j = 0; d < x.rank(); d++) if (d != a) order[j++] = d;
        order[x.rank() - 1] = a;
        Tensor moved = x.permute(order);
        double[] v = read(moved);
        int len = moved.dim(-1), rows = len == 0 ? 0 : v.length / len;
        long[] out = new long[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int j = 1; j < len && !Double.isNaN(v[r * len + best]); j++)
                if (v[r * len + j] > v[r * len + best] || Double.isNaN(v[r * len + j])) best = j;
            out[r] = best;
        }
        return Tensor.ofLongs(out, Arrays.copyOf(moved.shape(), moved.rank() - 1));
    }

    @Override public Tensor softmax(Tensor x) {
        double[] v = read(x);
        int n = last(x);
        for (int o = 0; o + n <= v.length && n > 0; o += n) {
            double lse = logSumExp(v, o, n);
            for (int c = 0; c < n; c++) v[o + c] = lse == Double.NEGATIVE_INFINITY ? 0 : Math.exp(v[o + c] - lse);
        }
        return wrap(v, x.shape());
    }

    @Override public Tensor logSoftmax(Tensor x) {
        double[] v = read(x);
        int n = last(x);
        for (int o = 0; o + n <= v.length && n > 0; o += n) {
            double lse = logSumExp(v, o, n);
            for (int c = 0; c < n; c++) v[o + c] = lse == Double.NEGATIVE_INFINITY ? lse : v[o + c] - lse;
        }
        return wrap(v, x.shape());
    }

    /** log sum exp of a row; -inf for a row that is entirely -inf (no mass: softmax 0, log-softmax -inf). */
    private static double logSumExp(double[] v, int o, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) max = Math.max(max, v[o + c]);
        if (max == Double.NEGATIVE_INFINITY) return max;
        double s = 0;
        for (int c = 0; c < n; c++) s += Math.exp(v[o + c] - max);
        return max + Math.log(s);
    }

    // ------------------------------------------------------------ normalisation and positions

    @Override public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        rowParameter("norm weight", weight, x);
        rowParameter("norm bias", bias, x);
        double[] v = read(x), w = weight == null ? null : read(weight), b = bias == null ? null : read(bias);
        int n = last(x);
        for (int o = 0; o + n <= v.length && n > 0; o += n) {
            double mean = 0, var = 0;
            for (int c = 0; c < n; c++) mean += v[o + c];
            mean /= n;
            for (int c = 0; c < n; c++) var += (v[o + c] - mean) * (v[o + c] - mean);
            double rstd = 1 / Math.sqrt(var / n + eps);
            for (int c = 0; c < n; c++) v[o + c] = (v[o + c] - mean) * rstd * (w == null ? 1 : w[c]) + (b == null ? 0 : b[c]);
        }
        return wrap(v, x.shape());
    }

    @Override public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        rowParameter("norm weight", weight, x);
        double[] v = read(x), w = weight == null ? null : read(weight);
        int n = last(x);
        for (int o = 0; o + n <= v.length && n > 0; o += n) {
            double ms = 0;
            for (int c = 0; c < n; c++) ms += v[o + c] * v[o + c];
            double rstd = 1 / Math.sqrt(ms / n + eps);
            for (int c = 0; c < n; c++) v[o + c] = v[o + c] * rstd * (w == null ? 1 : w[c]);
        }
        return wrap(v, x.shape());
    }

    @Override public Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) {
        if (x.rank() != 4) throw new IllegalArgumentException("rope expects x [B, H, T, hd], got " + Shapes.str(x.shape()));
        int b = x.dim(0), h = x.dim(1), t = x.dim(2), hd = x.dim(3), half = hd / 2;
        if (hd % 2 != 0) throw new IllegalArgumentException("rope needs an even head dim, got " + hd);
        if (positions.rank() != 2 || (positions.dim(0) != b && positions.dim(0) != 1) || positions.dim(1) != t)
            throw new IllegalArgumentException("rope: positions must be [" + b + ", " + t + "] (or [1, " + t + "]) for x " + Shapes.str(x.shape()) + ", got " + Shapes.str(positions.shape()));
        long[] pos = readIds(positions.expand(b, t), "rope positions");
        double[] v = read(x), out = new double[v.length];
        for (int bi = 0; bi < b; bi++)
            for (int hi = 0; hi < h; hi++)
                for (int ti = 0; ti < t; ti++) {
                    int o = ((bi * h + hi) * t + ti) * hd;
                    for (int c = 0; c < half; c++) {
                        double angle = pos[bi * t + ti] * Math.pow(theta, -2.0 * c / hd);
                        double cos = Math.cos(angle), sin = inverse ? -Math.sin(angle) : Math.sin(angle);
                        double x1 = v[o + c], x2 = v[o + c + half];
                        out[o + c] = x1 * cos - x2 * sin;
                        out[o + c + half] = x2 * cos + x1 * sin;
                    }
                }
        return wrap(out, x.shape());
    }

    // ------------------------------------------------------------ lookups and layout

    @Override public Tensor embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) throw new IllegalArgumentException("embedding table must be [vocab, dim], got " + Shapes.str(table.shape()));
        long[] id = readIds(ids, "embedding ids");
        int vocab = table.dim(0), dim = table.dim(1);
        double[] t = read(table), out = new double[id.length * dim];
        for (int i = 0; i < id.length; i++) {
            if (id[i] < 0 || id[i] >= vocab) throw new IndexOutOfBoundsException("token id " + id[i] + " outside the embedding table of " + vocab + " rows");
            System.arraycopy(t, (int) id[i] * dim, out, i * dim, dim);
        }
        return wrap(out, concat(ids.shape(), dim));
    }

    @Override public Tensor patches(Tensor images, int patch) {
        if (images.rank() != 4) throw new IllegalArgumentException("patches expects images [B, C, H, W], got " + Shapes.str(images.shape()));
        int b = images.dim(0), c = images.dim(1), h = images.dim(2), w = images.dim(3), gh = h / patch, gw = w / patch;
        if (h % patch != 0 || w % patch != 0) throw new IllegalArgumentException("image " + h + "x" + w + " is not divisible into " + patch + "x" + patch + " patches");
        Tensor view = images.reshape(b, c, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5);
        return wrap(read(view), b, gh * gw, c * patch * patch);
    }

    // ------------------------------------------------------------ attention

    /** Probabilities {@code [B, Hq, Tq, Tk]} (zero rows where fully masked). */
    private static double[] probabilities(Tensor q, Tensor k, AttentionMask mask, float scale) {
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2), group = hq / hkv;
        double[] qs = read(q), ks = read(k), pad = mask.keyPadding() == null ? null : read(mask.keyPadding());
        double[] p = new double[b * hq * tq * tk];
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < hq; h++)
                for (int i = 0; i < tq; i++) {
                    int row = ((bi * hq + h) * tq + i) * tk;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        boolean seen = !(mask.causal() && j > i + mask.queryOffset()) && (pad == null || pad[bi * tk + j] != 0);
                        if (!seen) { p[row + j] = Double.NEGATIVE_INFINITY; continue; }
                        double s = 0;
                        for (int c = 0; c < d; c++) s += qs[((bi * hq + h) * tq + i) * d + c] * ks[((bi * hkv + h / group) * tk + j) * d + c];
                        p[row + j] = s * scale;
                        max = Math.max(max, p[row + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) { p[row + j] = max == Double.NEGATIVE_INFINITY || p[row + j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[row + j] - max); sum += p[row + j]; }
                    for (int j = 0; j < tk && sum > 0; j++) p[row + j] /= sum;
                }
        return p;
    }

    @Override public Tensor attention(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2), group = hq / hkv;
        attentionShapes(q, k, v);
        double[] p = probabilities(q, k, mask, scale), vs = read(v), out = new double[b * hq * tq * d];
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < hq; h++)
                for (int i = 0; i < tq; i++)
                    for (int j = 0; j < tk; j++) {
                        double pj = p[((bi * hq + h) * tq + i) * tk + j];
                        if (pj == 0) continue;
                        for (int c = 0; c < d; c++) out[((bi * hq + h) * tq + i) * d + c] += pj * vs[((bi * hkv + h / group) * tk + j) * d + c];
                    }
        return wrap(out, b, hq, tq, d);
    }

    // ------------------------------------------------------------ training

    @Override public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor dy) {
        sameShape("unaryBackward gradient " + Shapes.str(dy.shape()) + " for input " + Shapes.str(x.shape()), dy, x.shape());
        double[] v = read(x), g = read(dy);
        for (int i = 0; i < v.length; i++) v[i] = g[i] * UnaryMath.derivative(op, v[i]);
        return wrap(v, x.shape());
    }

    @Override public Tensor softmaxBackward(Tensor y, Tensor dy) {
        sameShape("softmax backward gradient", dy, y.shape());
        double[] p = read(y), g = read(dy);
        int n = last(y);
        for (int o = 0; o + n <= p.length && n > 0; o += n) {
            double dot = 0;
            for (int c = 0; c < n; c++) dot += g[o + c] * p[o + c];
            for (int c = 0; c < n; c++) p[o + c] = p[o + c] * (g[o + c] - dot);
        }
        return wrap(p, y.shape());
    }

    @Override public Tensor logSoftmaxBackward(Tensor y, Tensor dy) {
        sameShape("softmax backward gradient", dy, y.shape());
        double[] l = read(y), g = read(dy);
        int n = last(y);
        for (int o = 0; o + n <= l.length && n > 0; o += n) {
            double sum = 0;
            for (int c = 0; c < n; c++) sum += g[o + c];
            for (int c = 0; c < n; c++) l[o + c] = g[o + c] - Math.exp(l[o + c]) * sum;
        }
        return wrap(l, y.shape());
    }

    @Override public NormGrads layerNormBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy) {
        return normBackward(x, weight, hasBias, eps, dy, true);
    }

    @Override public NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        return normBackward(x, weight, false, eps, dy, false);
    }

    private static NormGrads normBackward(Tensor x, Tensor weight, boolean hasBias, float eps, Tensor dy, boolean centered) {
        sameShape("norm backward gradient", dy, x.shape());
        rowParameter("norm weight", weight, x);
        double[] v = read(x), g = read(dy), w = weight == null ? null : read(weight);
        int n = last(x);
        double[] dx = new double[v.length], dw = w == null ? null : new double[n], db = hasBias ? new double[n] : null;
        for (int o = 0; o + n <= v.length && n > 0; o += n) {
            double mean = 0, var = 0;
            if (centered) { for (int c = 0; c < n; c++) mean += v[o + c]; mean /= n; }
            for (int c = 0; c < n; c++) var += (v[o + c] - mean) * (v[o + c] - mean);
            double rstd = 1 / Math.sqrt(var / n + eps), sg = 0, sgx = 0;
            for (int c = 0; c < n; c++) {
                double xhat = (v[o + c] - mean) * rstd, gh = g[o + c] * (w == null ? 1 : w[c]);
                sg += gh;
                sgx += gh * xhat;
                if (dw != null) dw[c] += g[o + c] * xhat;
                if (db != null) db[c] += g[o + c];
            }
            for (int c = 0; c < n; c++) {
                double xhat = (v[o + c] - mean) * rstd, gh = g[o + c] * (w == null ? 1 : w[c]);
                dx[o + c] = rstd * (gh - (centered ? sg / n : 0) - xhat * sgx / n);
            }
        }
        return new NormGrads(wrap(dx, x.shape()), dw == null ? null : wrap(dw, n), db == null ? null : wrap(db, n));
    }

    @Override public AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale, Tensor out, Tensor dOut) {
        int b = q.dim(0), hq = q.dim(1), tq = q.dim(2), d = q.dim(3), hkv = k.dim(1), tk = k.dim(2), group = hq / hkv;
        attentionShapes(q, k, v);
        sameShape("attention backward output gradient", dOut, out.shape());
        double[] p = probabilities(q, k, mask, scale), qs = read(q), ks = read(k), vs = read(v), g = read(dOut);
        double[] dq = new double[qs.length], dk = new double[ks.length], dv = new double[vs.length];
        for (int bi = 0; bi < b; bi++)
            for (int h = 0; h < hq; h++)
                for (int i = 0; i < tq; i++) {
                    int qo = ((bi * hq + h) * tq + i) * d, row = ((bi * hq + h) * tq + i) * tk;
                    double[] dp = new double[tk];
                    double dot = 0;
                    for (int j = 0; j < tk; j++) {
                        int ko = ((bi * hkv + h / group) * tk + j) * d;
                        for (int c = 0; c < d; c++) dp[j] += g[qo + c] * vs[ko + c];
                        dot += p[row + j] * dp[j];
                    }
                    for (int j = 0; j < tk; j++) {
                        int ko = ((bi * hkv + h / group) * tk + j) * d;
                        double ds = p[row + j] * (dp[j] - dot) * scale;
                        for (int c = 0; c < d; c++) {
                            dq[qo + c] += ds * ks[ko + c];
                            dk[ko + c] += ds * qs[qo + c];
                            dv[ko + c] += p[row + j] * g[qo + c];
                        }
                    }
                }
        return new AttentionGrads(wrap(dq, q.shape()), wrap(dk, k.shape()), wrap(dv, v.shape()));
    }

    @Override public CrossEntropy crossEntropy(Tensor logits, Tensor targets) {
        checkLogits(logits, targets);
        long[] t = readIds(targets, "cross-entropy targets");
        int rows = logits.dim(0), n = logits.dim(1);
        double[] x = read(logits), loss = new double[rows], valid = new double[rows];
        for (int r = 0; r < rows; r++) {
            if (t[r] == IGNORE_INDEX) continue;
            if (t[r] < 0 || t[r] >= n) throw new IndexOutOfBoundsException("cross-entropy target " + t[r] + " outside [0, " + n + ")");
            loss[r] = logSumExp(x, r * n, n) - x[r * n + (int) t[r]];
            valid[r] = 1;
        }
        return new CrossEntropy(wrap(loss, rows), wrap(valid, rows));
    }

    @Override public Tensor crossEntropyBackward(Tensor logits, Tensor targets, Tensor dLoss) {
        checkLogits(logits, targets);
        if (dLoss.rank() != 1 || dLoss.dim(0) != logits.dim(0))
            throw new IllegalArgumentException("crossEntropyBackward upstream gradient " + Shapes.str(dLoss.shape()) + ", expected [" + logits.dim(0) + "]");
        long[] t = readIds(targets, "cross-entropy targets");
        int rows = logits.dim(0), n = logits.dim(1);
        double[] x = read(logits), g = read(dLoss), out = new double[x.length];
        for (int r = 0; r < rows; r++) {
            if (t[r] == IGNORE_INDEX) continue;
            double lse = logSumExp(x, r * n, n);
            for (int c = 0; c < n; c++) out[r * n + c] = Math.exp(x[r * n + c] - lse) * g[r];
            out[r * n + (int) t[r]] -= g[r];
        }
        return wrap(out, rows, n);
    }

    @Override public Tensor embeddingBackward(Tensor ids, Tensor dy, int vocab) {
        long[] id = readIds(ids, "embedding ids");
        int dim = last(dy);
        if (dy.numel() != ids.numel() * dim)
            throw new IllegalArgumentException("embeddingBackward: gradient " + Shapes.str(dy.shape()) + " does not match ids " + Shapes.str(ids.shape()));
        double[] g = read(dy), out = new double[vocab * dim];
        for (int i = 0; i < id.length; i++)
            for (int c = 0; c < dim; c++) out[(int) id[i] * dim + c] += g[i * dim + c];
        return wrap(out, vocab, dim);
    }

    @Override public Tensor dropoutMask(float p, long seed, int... shape) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        double[] out = new double[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < out.length; i++) out[i] = DropoutRng.maskValue(seed, i, p);
        return wrap(out, shape);
    }

    @Override public void adamW(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
        if (step < 1) throw new IllegalArgumentException("AdamW step counts from 1, got " + step);
        double[] p = inPlace("parameter", param, param), ms = inPlace("AdamW first moment", m, param), vs = inPlace("AdamW second moment", v, param);
        sameShape("AdamW gradient shape " + Shapes.str(grad.shape()) + " for parameter " + Shapes.str(param.shape()), grad, param.shape());
        double[] g = read(grad);
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < g.length; i++) {
            p[i] *= 1 - (double) lr * weightDecay;
            ms[i] = beta1 * ms[i] + (1 - beta1) * g[i];
            vs[i] = beta2 * vs[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= lr / bc1 * ms[i] / (Math.sqrt(vs[i]) / Math.sqrt(bc2) + eps);
        }
    }

    @Override public void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        double[] p = inPlace("parameter", param, param);
        sameShape("SGD gradient shape " + Shapes.str(grad.shape()) + " for parameter " + Shapes.str(param.shape()), grad, param.shape());
        if (momentum != 0f && momentumBuffer == null) throw new IllegalArgumentException("SGD with momentum " + momentum + " needs a momentum buffer");
        double[] g = read(grad);
        double[] buf = momentum == 0 ? null : inPlace("SGD momentum buffer", momentumBuffer, param);
        for (int i = 0; i < g.length; i++) {
            double d = g[i] + weightDecay * p[i];
            if (buf != null) {
                buf[i] = firstStep ? d : momentum * buf[i] + (1 - dampening) * d;
                d = nesterov ? d + momentum * buf[i] : buf[i];
            }
            p[i] -= lr * d;
        }
    }
}

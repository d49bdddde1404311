// Backward kernels and optimizer steps, so a training step stays on the device. Reductions that would
// need float atomics (weight gradients, attention dk/dv, embedding scatter-add) are organised so each
// work-item owns its output elements: deterministic, and OpenCL 1.2 has no float atomics.

inline float sigm(float x) { return 1.0f / (1.0f + exp(-x)); }

inline float unary_derivative(int op, float x) {
    switch (op) {
        case U_NEG: return -1.0f;
        case U_EXP: return exp(x);
        case U_LOG: return 1.0f / x;
        case U_TANH: { float t = tanh(x); return 1.0f - t * t; }
        case U_SIGMOID: { float s = sigm(x); return s * (1.0f - s); }
        case U_RELU: return x > 0.0f ? 1.0f : 0.0f;
        case U_SQRT: return 0.5f / sqrt(x);
        case U_RSQRT: return -0.5f / (x * sqrt(x));
        case U_SQUARE: return 2.0f * x;
        case U_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
        case U_RECIPROCAL: return -1.0f / (x * x);
        case U_GELU_ERF: return 0.5f * (1.0f + erf(x * 0.70710678118654752f)) + x * 0.39894228040143268f * exp(-0.5f * x * x);
        case U_GELU_TANH: {
            float t = tanh(0.79788456080286536f * (x + 0.044715f * x * x * x));
            return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * 0.79788456080286536f * (1.0f + 3.0f * 0.044715f * x * x);
        }
        case U_QUICK_GELU: { float s = sigm(1.702f * x); return s + 1.702f * x * s * (1.0f - s); }
        case U_SILU: { float s = sigm(x); return s * (1.0f + x * (1.0f - s)); }
        default: return NAN;
    }
}

__kernel void unary_backward(long n, int op, int rank, int8 shape8,
                             __global const uchar* x, int xdt, long xoff, long8 xs8,
                             __global const uchar* dy, int ddt, long doff, long8 ds8, __global float* out) {
    long i = get_global_id(0);
    if (i >= n) return;
    int shape[8]; long xs[8]; long ds[8];
    vstore8(shape8, 0, shape); vstore8(xs8, 0, xs); vstore8(ds8, 0, ds);
    float xv = ld(x, xdt, xoff + strided_offset(i, rank, shape, xs));
    float g = ld(dy, ddt, doff + strided_offset(i, rank, shape, ds));
    out[i] = g * unary_derivative(op, xv);
}

// softmax (log_in == 0): dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy). One work-group per row.
__kernel void softmax_backward_rows(int n, int log_in, __global const float* y, __global const float* dy, __global float* dx) {
    __local float s[WG];
    long r = get_group_id(0);
    int t = get_local_id(0);
    __global const float* yr = y + r * n;
    __global const float* gr = dy + r * n;
    __global float* o = dx + r * n;
    float acc = 0.0f;
    for (int i = t; i < n; i += WG) acc += log_in ? gr[i] : gr[i] * yr[i];
    float tot = wg_sum(s, acc);
    for (int i = t; i < n; i += WG) o[i] = log_in ? gr[i] - exp(yr[i]) * tot : yr[i] * (gr[i] - tot);
}

// LayerNorm (rms == 0) / RMSNorm backward for dx; saves each row's mean and 1/std for the column pass.
__kernel void norm_backward_rows(int n, int rms, float eps, __global const float* x, __global const uchar* w, int wdt, long woff,
                                 int has_w, __global const float* dy, __global float* dx, __global float* stats) {
    __local float s[WG];
    long r = get_group_id(0);
    int t = get_local_id(0);
    __global const float* xr = x + r * n;
    __global const float* gr = dy + r * n;
    __global float* o = dx + r * n;
    float2 mr = row_mean_rstd(s, xr, n, rms, eps);
    float mean = mr.x, rstd = mr.y;
    float a1 = 0.0f, a2 = 0.0f;
    for (int i = t; i < n; i += WG) {
        float g = gr[i] * (has_w ? ld(w, wdt, woff + i) : 1.0f);
        float xh = (xr[i] - mean) * rstd;
        a1 += g;
        a2 += g * xh;
    }
    float mg = rms ? 0.0f : wg_sum(s, a1) / n;
    float mgx = wg_sum(s, a2) / n;
    for (int i = t; i < n; i += WG) {
        float g = gr[i] * (has_w ? ld(w, wdt, woff + i) : 1.0f);
        float xh = (xr[i] - mean) * rstd;
        o[i] = rstd * (g - mg - xh * mgx);
    }
    if (t == 0) { stats[2 * r] = mean; stats[2 * r + 1] = rstd; }
}

// dWeight[c] = sum_r dy[r,c] xhat[r,c]; dBias[c] = sum_r dy[r,c]. One work-item per column.
__kernel void norm_backward_cols(int rows, int n, __global const float* x, __global const float* dy, __global const float* stats,
                                 __global float* dw, __global float* db, int has_b) {
    int c = get_global_id(0);
    if (c >= n) return;
    float aw = 0.0f, ab = 0.0f;
    for (int r = 0; r < rows; r++) {
        float g = dy[(long) r * n + c];
        aw += g * (x[(long) r * n + c] - stats[2 * r]) * stats[2 * r + 1];
        ab += g;
    }
    dw[c] = aw;
    if (has_b) db[c] = ab;
}

inline int visible(int causal, int qoff, int i, int j, int b, int Tk, __global const float* keep, int has_keep) {
    if (causal && j > i + qoff) return 0;
    if (has_keep && keep[(long) b * Tk + j] == 0.0f) return 0;
    return 1;
}

// Pass 1, one work-item per query row: logsumexp, D = dO . O, and dq = scale sum_j P (dO.v_j - D) k_j.
__kernel void attention_backward_q(int B, int Hq, int Hkv, int Tq, int Tk, int D, float scale, int causal, int qoff,
                                   __global const float* q, __global const float* k, __global const float* v,
                                   __global const float* keep, int has_keep, __global const float* out, __global const float* dout,
                                   __global float* dq, __global float* lse, __global float* delta) {
    int t = get_global_id(0), bh = get_global_id(1);
    if (t >= Tq || bh >= B * Hq) return;
    int b = bh / Hq, h = bh % Hq, kvh = h / (Hq / Hkv);
    long row = (long) bh * Tq + t;
    __global const float* qr = q + row * D;
    __global const float* gr = dout + row * D;
    __global const float* orow = out + row * D;
    __global const float* kb = k + ((long) b * Hkv + kvh) * Tk * D;
    __global const float* vb = v + ((long) b * Hkv + kvh) * Tk * D;
    float m = -INFINITY, l = 0.0f;
    for (int j = 0; j < Tk; j++) {
        if (!visible(causal, qoff, t, j, b, Tk, keep, has_keep)) continue;
        float s = 0.0f;
        for (int d = 0; d < D; d++) s = fma(qr[d], kb[(long) j * D + d], s);
        s *= scale;
        float mn = fmax(m, s);
        l = l * exp(m - mn) + exp(s - mn);
        m = mn;
    }
    float L = l != 0.0f ? m + log(l) : INFINITY;
    float dlt = 0.0f;
    for (int d = 0; d < D; d++) dlt = fma(gr[d], orow[d], dlt);
    lse[row] = L;
    delta[row] = dlt;
    float acc[MAXD];
    for (int d = 0; d < D; d++) acc[d] = 0.0f;
    for (int j = 0; j < Tk; j++) {
        if (!visible(causal, qoff, t, j, b, Tk, keep, has_keep)) continue;
        float s = 0.0f, dp = 0.0f;
        for (int d = 0; d < D; d++) { s = fma(qr[d], kb[(long) j * D + d], s); dp = fma(gr[d], vb[(long) j * D + d], dp); }
        float p = exp(s * scale - L);
        float ds = p * (dp - dlt) * scale;
        for (int d = 0; d < D; d++) acc[d] = fma(ds, kb[(long) j * D + d], acc[d]);
    }
    for (int d = 0; d < D; d++) dq[row * D + d] = acc[d];
}

// Pass 2, one work-item per (key row, kv head): dk and dv summed over every query row and every query head of the group.
__kernel void attention_backward_kv(int B, int Hq, int Hkv, int Tq, int Tk, int D, float scale, int causal, int qoff,
                                    __global const float* q, __global const float* k, __global const float* v,
                                    __global const float* keep, int has_keep, __global const float* dout,
                                    __global const float* lse, __global const float* delta, __global float* dk, __global float* dv) {
    int j = get_global_id(0), bkv = get_global_id(1);
    if (j >= Tk || bkv >= B * Hkv) return;
    int b = bkv / Hkv, kvh = bkv % Hkv, group = Hq / Hkv;
    long krow = (long) bkv * Tk + j;
    __global const float* kr = k + krow * D;
    __global const float* vr = v + krow * D;
    float ak[MAXD], av[MAXD];
    for (int d = 0; d < D; d++) { ak[d] = 0.0f; av[d] = 0.0f; }
    for (int g = 0; g < group; g++) {
        int h = kvh * group + g;
        for (int i = 0; i < Tq; i++) {
            if (!visible(causal, qoff, i, j, b, Tk, keep, has_keep)) continue;
            long row = ((long) b * Hq + h) * Tq + i;
            __global const float* qr = q + row * D;
            __global const float* gr = dout + row * D;
            float s = 0.0f, dp = 0.0f;
            for (int d = 0; d < D; d++) { s = fma(qr[d], kr[d], s); dp = fma(gr[d], vr[d], dp); }
            float p = exp(s * scale - lse[row]);
            float ds = p * (dp - delta[row]) * scale;
            for (int d = 0; d < D; d++) { av[d] = fma(p, gr[d], av[d]); ak[d] = fma(ds, qr[d], ak[d]); }
        }
    }
    for (int d = 0; d < D; d++) { dk[krow * D + d] = ak[d]; dv[krow * D + d] = av[d]; }
}

// Per-row fused log-softmax + NLL; ignored targets (IGNORE) give loss 0 and valid 0. One work-group per row.
__kernel void cross_entropy_rows(int V, __global const float* logits, __global const uchar* tg, int tdt, long toff,
                                 __global float* loss, __global float* valid, __global int* bad) {
    __local float s[WG];
    long r = get_group_id(0);
    int t = get_local_id(0);
    __global const float* x = logits + r * V;
    long target = ldl(tg, tdt, toff + r);
    float2 mz = row_max_sumexp(s, x, V);
    float m = mz.x, z = mz.y;
    if (t == 0) {
        if (target == IGNORE) { loss[r] = 0.0f; valid[r] = 0.0f; }
        else if (target < 0 || target >= V) { loss[r] = NAN; valid[r] = 0.0f; *bad = 1; }
        else { loss[r] = m + log(z) - x[target]; valid[r] = 1.0f; }
    }
}

__kernel void cross_entropy_backward_rows(int V, __global const float* logits, __global const uchar* tg, int tdt, long toff,
                                          __global const uchar* dl, int dldt, long dloff, long dlstride, __global float* dx) {
    __local float s[WG];
    long r = get_group_id(0);
    int t = get_local_id(0);
    __global const float* x = logits + r * V;
    __global float* o = dx + r * V;
    long target = ldl(tg, tdt, toff + r);
    // No early return: every work-item must reach the barriers inside the group reductions.
    int skip = target == IGNORE || target < 0 || target >= V;
    float2 mz = row_max_sumexp(s, x, V);
    float m = mz.x, z = mz.y;
    float g = skip ? 0.0f : ld(dl, dldt, dloff + r * dlstride), iz = 1.0f / z;
    for (int i = t; i < V; i += WG) o[i] = skip ? 0.0f : (exp(x[i] - m) * iz - (i == target ? 1.0f : 0.0f)) * g;
}

// Scatter-add of dy rows into the zeroed table; each work-item owns one column, so repeated ids never race.
__kernel void embedding_backward(int rows, int dim, __global const uchar* ids, int idt, long ioff, __global const float* dy,
                                 __global float* table) {
    int c = get_global_id(0);
    if (c >= dim) return;
    for (int r = 0; r < rows; r++) {
        long id = ldl(ids, idt, ioff + r);
        table[id * dim + c] += dy[(long) r * dim + c];
    }
}

// Same stream as DropoutRng.java: SplitMix64 finaliser of seed + (index + 1) * golden; top 24 bits -> [0, 1).
__kernel void dropout_mask(long n, float p, long seed, __global float* out) {
    long i = get_global_id(0);
    if (i >= n) return;
    ulong z = (ulong) seed + (ulong) (i + 1) * 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    z = z ^ (z >> 31);
    float u = (float) (z >> 40) * (1.0f / 16777216.0f);
    out[i] = u < p ? 0.0f : 1.0f / (1.0f - p);
}

__kernel void adamw(long n, __global float* p, __global const float* g, __global float* m, __global float* v,
                    float decay, float b1, float b2, float eps, float step_size, float bc2_sqrt) {
    long i = get_global_id(0);
    if (i >= n) return;
    float gi = g[i];
    float mi = m[i] * b1 + gi * (1.0f - b1);
    float vi = v[i] * b2 + gi * gi * (1.0f - b2);
    float denom = sqrt(vi) / bc2_sqrt + eps;
    p[i] = p[i] * decay - mi / denom * step_size;
    m[i] = mi;
    v[i] = vi;
}

__kernel void sgd(long n, __global float* p, __global const float* g, __global float* buf, int has_buf, float lr, float momentum,
                  float dampening, float wd, int nesterov, int first) {
    long i = get_global_id(0);
    if (i >= n) return;
    float pi = p[i];
    float d = g[i] + wd * pi;
    if (has_buf) {
        float b = first ? d : momentum * buf[i] + (1.0f - dampening) * d;
        buf[i] = b;
        d = nesterov ? d + momentum * b : b;
    }
    p[i] = pi - lr * d;
}

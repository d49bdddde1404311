// LayerNorm and RMSNorm over rows of a contiguous [rows, n] F32 view, forward and backward.

// Mean (0 for RMSNorm) and 1/sqrt(variance + eps) of a row over a work-group: shared by forward and backward.
inline float2 row_mean_rstd(__local float* s, __global const float* p, int n, int rms, float eps) {
    int t = get_local_id(0);
    float mean = 0.0f;
    if (!rms) {
        float acc = 0.0f;
        for (int i = t; i < n; i += WG) acc += p[i];
        mean = wg_sum(s, acc) / n;
    }
    float acc2 = 0.0f;
    for (int i = t; i < n; i += WG) { float d = p[i] - mean; acc2 += d * d; }
    return (float2) (mean, rsqrt(wg_sum(s, acc2) / n + eps));
}

// LayerNorm (rms == 0) or RMSNorm (rms != 0) of each row; weight/bias optional, any float dtype.
__kernel void norm_rows(int n, int rms, float eps, __global const float* x,
                        __global const uchar* w, int wdt, long woff, int has_w,
                        __global const uchar* b, int bdt, long boff, int has_b, __global float* out) {
    __local float s[WG];
    long r = get_group_id(0);
    int t = get_local_id(0);
    __global const float* p = x + r * n;
    __global float* q = out + r * n;
    float2 stats = row_mean_rstd(s, p, n, rms, eps);
    float mean = stats.x, inv = stats.y;
    for (int i = t; i < n; i += WG) {
        float v = (p[i] - mean) * inv;
        if (has_w) v *= ld(w, wdt, woff + i);
        if (has_b) v += ld(b, bdt, boff + i);
        q[i] = v;
    }
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

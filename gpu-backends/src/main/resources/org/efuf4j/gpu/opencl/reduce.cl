// Reductions over the middle axis of a contiguous [outer, n, inner] F32 view; row kernels over [rows, n].
#ifndef WG
#define WG 64
#endif

__kernel void reduce_axis(int outer, int n, int inner, int op, __global const float* x, __global float* out) {
    int j = get_global_id(0), o = get_global_id(1);
    if (j >= inner || o >= outer) return;
    __global const float* p = x + (long) o * n * inner + j;
    float acc = op == R_MAX ? -INFINITY : (op == R_MIN ? INFINITY : 0.0f);
    for (int i = 0; i < n; i++) {
        float v = p[(long) i * inner];
        if (op == R_MAX) acc = fmax(acc, v);
        else if (op == R_MIN) acc = fmin(acc, v);
        else acc += v;
    }
    if (op == R_MEAN) acc /= n;
    out[(long) o * inner + j] = acc;
}

__kernel void argmax_axis(int outer, int n, int inner, __global const float* x, __global long* out) {
    int j = get_global_id(0), o = get_global_id(1);
    if (j >= inner || o >= outer) return;
    __global const float* p = x + (long) o * n * inner + j;
    float best = p[0];
    long bi = 0;
    for (int i = 1; i < n; i++) {
        float v = p[(long) i * inner];
        if (v > best || (isnan(v) && !isnan(best))) { best = v; bi = i; }
    }
    out[(long) o * inner + j] = bi;
}

// Work-group tree reduction helpers (WG threads, WG a power of two).
inline float wg_sum(__local float* s, float v) {
    int t = get_local_id(0);
    s[t] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int k = WG / 2; k > 0; k >>= 1) {
        if (t < k) s[t] += s[t + k];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = s[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline float wg_max(__local float* s, float v) {
    int t = get_local_id(0);
    s[t] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int k = WG / 2; k > 0; k >>= 1) {
        if (t < k) s[t] = fmax(s[t], s[t + k]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = s[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

// Row maximum and sum of exp(x - max) over a work-group: the shared first half of every softmax-like kernel.
inline float2 row_max_sumexp(__local float* s, __global const float* p, int n) {
    int t = get_local_id(0);
    float m = -INFINITY;
    for (int i = t; i < n; i += WG) m = fmax(m, p[i]);
    m = wg_max(s, m);
    float z = 0.0f;
    for (int i = t; i < n; i += WG) z += exp(p[i] - m);
    return (float2) (m, wg_sum(s, z));
}

// One work-group per row; log != 0 gives log-softmax. A row that is entirely -inf has no mass to share: softmax 0,
// log-softmax -inf (the Backend contract, as on the CPU and ref64; torch gives NaN).
__kernel void softmax_rows(int n, int log_out, __global const float* x, __global float* out) {
    __local float s[WG];
    long r = get_group_id(0);
    int t = get_local_id(0);
    __global const float* p = x + r * n;
    __global float* q = out + r * n;
    float2 mz = row_max_sumexp(s, p, n);
    float m = mz.x, z = mz.y;
    if (m == -INFINITY) { for (int i = t; i < n; i += WG) q[i] = log_out ? -INFINITY : 0.0f; return; }
    if (log_out) { float lz = log(z); for (int i = t; i < n; i += WG) q[i] = p[i] - m - lz; }
    else { float iz = 1.0f / z; for (int i = t; i < n; i += WG) q[i] = exp(p[i] - m) * iz; }
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

// Rotary embeddings and scaled-dot-product attention over contiguous [B, H, T, D] F32 tensors, forward and backward.
#ifndef MAXD
#define MAXD 256
#endif

// HF rotate-half layout: dims i and i + D/2 rotate together by pos * theta^(-2i/D); sign -1 inverts.
__kernel void rope(int B, int H, int T, int D, float theta, float sign, __global const float* x,
                   __global const uchar* pos, int pdt, long poff, long pbs, long pts, __global float* out) {
    int i = get_global_id(0), t = get_global_id(1), bh = get_global_id(2);
    int half_d = D / 2;
    if (i >= half_d || t >= T) return;
    int b = bh / H;
    float p = (float) ldl(pos, pdt, poff + b * pbs + t * pts);
    float inv_freq = 1.0f / pow(theta, (float) (2 * i) / (float) D);
    float ang = p * inv_freq;
    float c = cos(ang), s = sign * sin(ang);
    long base = ((long) bh * T + t) * D;
    float x1 = x[base + i], x2 = x[base + i + half_d];
    out[base + i] = x1 * c - x2 * s;
    out[base + i + half_d] = x2 * c + x1 * s;
}

// One work-item per (query row, batch*head): online softmax over keys, never storing the score row.
__kernel void attention(int B, int Hq, int Hkv, int Tq, int Tk, int D, float scale, int causal, int qoff,
                        __global const float* q, __global const float* k, __global const float* v,
                        __global const float* keep, int has_keep, __global float* out) {
    int t = get_global_id(0), bh = get_global_id(1);
    if (t >= Tq || bh >= B * Hq) return;
    int b = bh / Hq, h = bh % Hq;
    int kvh = h / (Hq / Hkv);
    __global const float* qr = q + ((long) bh * Tq + t) * D;
    __global const float* kb = k + ((long) b * Hkv + kvh) * Tk * D;
    __global const float* vb = v + ((long) b * Hkv + kvh) * Tk * D;
    float acc[MAXD];
    for (int d = 0; d < D; d++) acc[d] = 0.0f;
    float m = -INFINITY, l = 0.0f;
    int last = causal ? min(Tk - 1, t + qoff) : Tk - 1;
    for (int j = 0; j <= last; j++) {
        if (has_keep && keep[(long) b * Tk + j] == 0.0f) continue;
        float s = 0.0f;
        for (int d = 0; d < D; d++) s = fma(qr[d], kb[(long) j * D + d], s);
        s *= scale;
        float mn = fmax(m, s);
        float corr = exp(m - mn), w = exp(s - mn);
        l = l * corr + w;
        for (int d = 0; d < D; d++) acc[d] = acc[d] * corr + w * vb[(long) j * D + d];
        m = mn;
    }
    __global float* o = out + ((long) bh * Tq + t) * D;
    float inv = l != 0.0f ? 1.0f / l : 0.0f; // l is 0 only when nothing was visible; NaN must propagate
    for (int d = 0; d < D; d++) o[d] = acc[d] * inv;
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

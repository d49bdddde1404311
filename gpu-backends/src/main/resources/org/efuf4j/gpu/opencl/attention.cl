// Rotary embeddings and scaled-dot-product attention over contiguous [B, H, T, D] F32 tensors.
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

// Batched C[b] = A[b] (M x K, F32, any strides) * B[b] (K x N, F32/F16/BF16, any strides), C contiguous F32.
// Work-group TS x TS threads computes a (TS*WPT) x (TS*WPT) tile through local memory; each thread
// accumulates a WPT x WPT register block. TS and WPT are set per device at compile time.
#ifndef TS
#define TS 16
#endif
#ifndef WPT
#define WPT 4
#endif
#define TILE (TS * WPT)
#define KT 16

__kernel void matmul(int M, int N, int K,
                     __global const float* A, long aoff, long sam, long sak, long sab,
                     __global const uchar* B, int bdt, long boff, long sbk, long sbn, long sbb,
                     __global float* C, long scb,
                     __global const uchar* bias, int biasdt, long biasoff, int has_bias) {
    __local float As[KT][TILE + 1];
    __local float Bs[KT][TILE + 1];
    int tx = get_local_id(0), ty = get_local_id(1);
    int n0 = get_group_id(0) * TILE, m0 = get_group_id(1) * TILE;
    int batch = get_global_id(2);
    __global const float* Ab = A + aoff + batch * sab;
    long bb = boff + batch * sbb;
    float acc[WPT][WPT];
    for (int i = 0; i < WPT; i++) for (int j = 0; j < WPT; j++) acc[i][j] = 0.0f;
    int tid = ty * TS + tx;
    for (int k0 = 0; k0 < K; k0 += KT) {
        for (int e = tid; e < KT * TILE; e += TS * TS) {
            int kk = e / TILE, mm = e % TILE;
            int gm = m0 + mm, gk = k0 + kk;
            As[kk][mm] = (gm < M && gk < K) ? Ab[gm * sam + gk * sak] : 0.0f;
            int gn = n0 + mm;
            Bs[kk][mm] = (gn < N && gk < K) ? ld(B, bdt, bb + gk * sbk + gn * sbn) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < KT; kk++) {
            float a[WPT], b[WPT];
            for (int i = 0; i < WPT; i++) a[i] = As[kk][ty + i * TS];
            for (int j = 0; j < WPT; j++) b[j] = Bs[kk][tx + j * TS];
            for (int i = 0; i < WPT; i++) for (int j = 0; j < WPT; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    __global float* Cb = C + batch * scb;
    for (int i = 0; i < WPT; i++) {
        int gm = m0 + ty + i * TS;
        if (gm >= M) continue;
        for (int j = 0; j < WPT; j++) {
            int gn = n0 + tx + j * TS;
            if (gn >= N) continue;
            float v = acc[i][j];
            if (has_bias) v += ld(bias, biasdt, biasoff + gn);
            Cb[(long) gm * N + gn] = v;
        }
    }
}

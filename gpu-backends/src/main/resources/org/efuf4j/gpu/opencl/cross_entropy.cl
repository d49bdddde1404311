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

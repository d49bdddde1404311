// In-place optimizer steps over whole contiguous F32 parameters, as torch.optim.

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

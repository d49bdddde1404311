// Elementwise kernels. Op codes U_* and B_* are defined by the host from the Java enums, so the two never drift.

inline float unary_op(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_TANH: return tanh(x);
        case U_SIGMOID: return 1.0f / (1.0f + exp(-x));
        case U_RELU: return x > 0.0f ? x : 0.0f;
        case U_SQRT: return sqrt(x);
        case U_RSQRT: return rsqrt(x);
        case U_SQUARE: return x * x;
        case U_ABS: return fabs(x);
        case U_RECIPROCAL: return 1.0f / x;
        case U_GELU_ERF: return 0.5f * x * (1.0f + erf(x * 0.70710678118654752f));
        case U_GELU_TANH: return 0.5f * x * (1.0f + tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
        case U_QUICK_GELU: return x / (1.0f + exp(-1.702f * x));
        case U_SILU: return x / (1.0f + exp(-x));
        default: return NAN;
    }
}

inline float binary_op(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return fmax(a, b);
        case B_MIN: return fmin(a, b);
        default: return NAN;
    }
}

__kernel void unary(long n, int op, int rank, int8 shape8, __global const uchar* x, int xdt, long xoff, long8 xs8,
                    __global float* out) {
    long i = get_global_id(0);
    if (i >= n) return;
    int shape[8]; long xs[8];
    vstore8(shape8, 0, shape); vstore8(xs8, 0, xs);
    out[i] = unary_op(op, ld(x, xdt, xoff + strided_offset(i, rank, shape, xs)));
}

__kernel void affine(long n, float scale, float shift, int rank, int8 shape8, __global const uchar* x, int xdt, long xoff,
                     long8 xs8, __global float* out) {
    long i = get_global_id(0);
    if (i >= n) return;
    int shape[8]; long xs[8];
    vstore8(shape8, 0, shape); vstore8(xs8, 0, xs);
    out[i] = ld(x, xdt, xoff + strided_offset(i, rank, shape, xs)) * scale + shift;
}

// a and b are views already broadcast to the output shape (stride 0 along broadcast dims).
__kernel void binary(long n, int op, int rank, int8 shape8,
                     __global const uchar* a, int adt, long aoff, long8 as8,
                     __global const uchar* b, int bdt, long boff, long8 bs8, __global float* out) {
    long i = get_global_id(0);
    if (i >= n) return;
    int shape[8]; long as[8]; long bs[8];
    vstore8(shape8, 0, shape); vstore8(as8, 0, as); vstore8(bs8, 0, bs);
    float x = ld(a, adt, aoff + strided_offset(i, rank, shape, as));
    float y = ld(b, bdt, boff + strided_offset(i, rank, shape, bs));
    out[i] = binary_op(op, x, y);
}

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

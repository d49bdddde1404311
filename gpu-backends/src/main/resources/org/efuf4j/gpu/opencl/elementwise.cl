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

// Shared helpers: element load/store for every storage dtype (compute is float), strided indexing.
// dtype codes: 0 F32, 1 F16, 2 BF16, 3 I64, 4 I32, 5 U8/BOOL. OpenCL C 1.2 without cl_khr_fp16:
// halves go through vload_half/vstore_half, bfloat16 through bit shifts.
// Gradient kernels that would need float atomics (weight gradients, attention dk/dv, embedding scatter-add) are
// organised so each work-item owns its output elements: deterministic, and OpenCL 1.2 has no float atomics.

inline float ld(__global const uchar* p, int dt, long i) {
    switch (dt) {
        case 0: return ((__global const float*) p)[i];
        case 1: return vload_half(i, (__global const half*) p);
        case 2: return as_float(((uint) ((__global const ushort*) p)[i]) << 16);
        case 3: return (float) ((__global const long*) p)[i];
        case 4: return (float) ((__global const int*) p)[i];
        default: return (float) p[i];
    }
}

inline long ldl(__global const uchar* p, int dt, long i) {
    switch (dt) {
        case 3: return ((__global const long*) p)[i];
        case 4: return (long) ((__global const int*) p)[i];
        case 5: return (long) p[i];
        default: return (long) ld(p, dt, i);
    }
}

inline ushort to_bf16(float f) {
    uint b = as_uint(f);
    if ((b & 0x7fffffffu) > 0x7f800000u) return (ushort) ((b >> 16) | 0x40u);
    return (ushort) ((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

inline void st(__global uchar* p, int dt, long i, float v) {
    switch (dt) {
        case 0: ((__global float*) p)[i] = v; break;
        case 1: vstore_half_rte(v, i, (__global half*) p); break;
        case 2: ((__global ushort*) p)[i] = to_bf16(v); break;
        case 3: ((__global long*) p)[i] = (long) v; break;
        case 4: ((__global int*) p)[i] = (int) v; break;
        default: p[i] = (uchar) (int) v; break;
    }
}

inline void stl(__global uchar* p, int dt, long i, long v) {
    switch (dt) {
        case 3: ((__global long*) p)[i] = v; break;
        case 4: ((__global int*) p)[i] = (int) v; break;
        case 5: p[i] = (uchar) v; break;
        default: st(p, dt, i, (float) v); break;
    }
}

// Element offset of row-major linear index i in a view of rank <= 8 with the given shape and strides.
inline long strided_offset(long i, int rank, const int* shape, const long* stride) {
    long off = 0;
    for (int d = rank - 1; d >= 0; d--) {
        long c = i % shape[d];
        i /= shape[d];
        off += c * stride[d];
    }
    return off;
}

// Strided copies with dtype conversion (contiguous, cast, copyInto, patches) and embedding gathers.

__kernel void copy_strided(long n, int rank, int8 shape8,
                           __global const uchar* src, int sdt, long soff, long8 sstride8,
                           __global uchar* dst, int ddt, long doff, long8 dstride8, int integral) {
    long i = get_global_id(0);
    if (i >= n) return;
    int shape[8]; long ss[8]; long ds[8];
    vstore8(shape8, 0, shape); vstore8(sstride8, 0, ss); vstore8(dstride8, 0, ds);
    long so = soff + strided_offset(i, rank, shape, ss);
    long dof = doff + strided_offset(i, rank, shape, ds);
    if (integral) stl(dst, ddt, dof, ldl(src, sdt, so));
    else st(dst, ddt, dof, ld(src, sdt, so));
}

// out[r, :] = table[ids[r], :]; an out-of-range id writes NaN and raises *bad, reported at the next transfer to the host.
__kernel void embedding(int rows, int dim, __global const uchar* table, int tdt, long toff, long trow, long tcol, int vocab,
                        __global const uchar* ids, int idt, long ioff, __global float* out, __global int* bad) {
    int c = get_global_id(0), r = get_global_id(1);
    if (c >= dim || r >= rows) return;
    long id = ldl(ids, idt, ioff + r);
    if (id < 0 || id >= vocab) { out[(long) r * dim + c] = NAN; *bad = 1; return; }
    out[(long) r * dim + c] = ld(table, tdt, toff + id * trow + c * tcol);
}

// Strided copies with dtype conversion (contiguous, cast, copyInto, patches).

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

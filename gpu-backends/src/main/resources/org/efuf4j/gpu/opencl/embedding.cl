// Embedding lookup and its backward (scatter-add).

// out[r, :] = table[ids[r], :]; an out-of-range id writes NaN and raises *bad, reported at the next transfer to the host.
__kernel void embedding(int rows, int dim, __global const uchar* table, int tdt, long toff, long trow, long tcol, int vocab,
                        __global const uchar* ids, int idt, long ioff, __global float* out, __global int* bad) {
    int c = get_global_id(0), r = get_global_id(1);
    if (c >= dim || r >= rows) return;
    long id = ldl(ids, idt, ioff + r);
    if (id < 0 || id >= vocab) { out[(long) r * dim + c] = NAN; *bad = 1; return; }
    out[(long) r * dim + c] = ld(table, tdt, toff + id * trow + c * tcol);
}

// Scatter-add of dy rows into the zeroed table; each work-item owns one column, so repeated ids never race.
__kernel void embedding_backward(int rows, int dim, __global const uchar* ids, int idt, long ioff, __global const float* dy,
                                 __global float* table) {
    int c = get_global_id(0);
    if (c >= dim) return;
    for (int r = 0; r < rows; r++) {
        long id = ldl(ids, idt, ioff + r);
        table[id * dim + c] += dy[(long) r * dim + c];
    }
}

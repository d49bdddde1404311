package org.efuf4j.gpu.opencl;

/**
 * Per-device compile-time parameters of the kernels: GEMM tile (TS x TS threads, WPT x WPT outputs each),
 * the work-group size of row kernels, the largest attention head dimension.
 */
record KernelParameters(int gemmThreads, int gemmWork, int rowGroup, int maxHeadDim) {
    static KernelParameters forDevice(OpenClDevice d) {
        int wg = (int) Math.min(256, Math.max(1, Long.highestOneBit(d.maxWorkGroupSize())));
        int ts = d.maxWorkGroupSize() >= 256 ? 16 : (int) Math.max(1, Math.sqrt(Long.highestOneBit(d.maxWorkGroupSize())));
        // CPU drivers (PoCL) run a work-group per core: small register blocks; GPUs want 64x64 tiles.
        int wpt = d.isCpu() ? 2 : 4;
        return new KernelParameters(ts, wpt, wg, 256);
    }

    int gemmTile() { return gemmThreads * gemmWork; }

    String compilerOptions() {
        return "-DTS=" + gemmThreads + " -DWPT=" + gemmWork + " -DWG=" + rowGroup + " -DMAXD=" + maxHeadDim;
    }
}

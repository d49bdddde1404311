package org.efuf4j.gpu.opencl;

/**
 * One operation family of the OpenCL backend: it allocates and converts through {@link ClMemory} and launches through
 * the runtime, and holds no state of its own, so any thread may call it (see {@link OpenClRuntime} for the one rule).
 */
abstract sealed class ClFamily permits ClMatmul, ClElementwise, ClReductions, ClNorms, ClCrossEntropy, ClAttention, ClEmbedding, ClOptimizers {
    final ClMemory m;
    final OpenClRuntime rt;

    ClFamily(ClMemory memory) {
        this.m = memory;
        this.rt = memory.rt;
    }
}

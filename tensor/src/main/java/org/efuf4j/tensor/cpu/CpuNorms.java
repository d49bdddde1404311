package org.efuf4j.tensor.cpu;

import org.efuf4j.tensor.*;

/** Placeholder: the helper that owns this family replaces the whole file. */
final class CpuNorms {
    private CpuNorms() {}
    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { throw new UnsupportedOperationException("CpuNorms not written yet"); }
    static Tensor rmsNorm(Tensor x, Tensor weight, float eps) { throw new UnsupportedOperationException("CpuNorms not written yet"); }
    static Tensor rope(Tensor x, Tensor positions, float theta, boolean inverse) { throw new UnsupportedOperationException("CpuNorms not written yet"); }
}

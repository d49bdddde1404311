package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/** LayerNorm and RMSNorm over the last axis; backward recomputes the row statistics from the saved input. */
public final class Normalization {
    private Normalization() {}

    /** {@code weight} and {@code bias} may be null. */
    public static Variable layerNorm(Variable x, Variable weight, Variable bias, float eps) {
        Backend be = x.backend();
        Tensor xv = x.value(), wv = weight == null ? null : weight.value();
        Tensor y = be.layerNorm(xv, wv, bias == null ? null : bias.value(), eps);
        return Graph.record(y, new Node(x, weight, bias) {
            @Override protected Tensor[] backward(Tensor g) {
                Backend.NormGrads n = be.layerNormBackward(xv, wv, needs(2), eps, g);
                return new Tensor[] {needs(0) ? n.dx() : null, needs(1) ? n.dWeight() : null, needs(2) ? n.dBias() : null};
            }
        });
    }

    public static Variable rmsNorm(Variable x, Variable weight, float eps) {
        Backend be = x.backend();
        Tensor xv = x.value(), wv = weight == null ? null : weight.value();
        Tensor y = be.rmsNorm(xv, wv, eps);
        return Graph.record(y, new Node(x, weight) {
            @Override protected Tensor[] backward(Tensor g) {
                Backend.NormGrads n = be.rmsNormBackward(xv, wv, eps, g);
                return new Tensor[] {needs(0) ? n.dx() : null, needs(1) ? n.dWeight() : null};
            }
        });
    }
}

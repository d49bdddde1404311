package org.efuf4j.autograd;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/** Fused softmax cross-entropy per row, with the ignore label -100. */
public final class CrossEntropyOps {
    private CrossEntropyOps() {}

    /**
     * @param loss  {@code [N]}: per-row loss, 0 on ignored rows (differentiable w.r.t. the logits)
     * @param valid {@code [N]}: 1 where the target counts, 0 where ignored (a constant)
     */
    public record RowLosses(Variable loss, Tensor valid) {}

    /** {@code logits [N, V]}, {@code targets [N]} (I64/I32, -100 = ignore). */
    public static RowLosses rows(Variable logits, Tensor hostOrDeviceTargets) {
        Backend be = logits.backend();
        Tensor lv = logits.value();
        // Labels are usually built on the host from token ids; they follow the logits to their device once here.
        Tensor targets = hostOrDeviceTargets.to(lv.device());
        Backend.CrossEntropy ce = be.crossEntropy(lv, targets);
        Variable loss = Graph.record(ce.loss(), new Node(logits) {
            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {be.crossEntropyBackward(lv, targets, g)}; }
        });
        return new RowLosses(loss, ce.valid());
    }
}

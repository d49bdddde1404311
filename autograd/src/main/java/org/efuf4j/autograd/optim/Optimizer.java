package org.efuf4j.autograd.optim;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.efuf4j.autograd.nn.Parameter;

/**
 * Updates parameters in place from their accumulated gradients. Gradients accumulate over several
 * backward passes until {@link #zeroGrad}: call backward k times, then step once, for gradient accumulation
 * (scale the loss by 1/k to average).
 */
public abstract class Optimizer {
    protected final List<Parameter> params;
    private double lr;
    private long step;

    protected Optimizer(List<Parameter> params, double lr) {
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    public double lr() { return lr; }

    public void setLr(double lr) { this.lr = lr; }

    /** Steps taken so far. */
    public long stepCount() { return step; }

    protected void setStepCount(long step) { this.step = step; }

    /** One update of every parameter that has a gradient; parameters without one are skipped (as torch). */
    public final void step() {
        step++;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (p.grad() != null) update(i, p, step);
        }
    }

    protected abstract void update(int index, Parameter p, long step);

    public final void zeroGrad() { for (Parameter p : params) p.zeroGrad(); }

    /** Optimizer state as named tensors (per-parameter buffers keyed by index, and the step count). */
    public abstract Map<String, org.efuf4j.tensor.Tensor> state();

    /** Restores {@link #state()}; the parameter list must be the same as when it was saved. */
    public abstract void loadState(Map<String, org.efuf4j.tensor.Tensor> state, String source);

    public final void save(Path file) {
        Map<String, org.efuf4j.tensor.Tensor> host = new java.util.LinkedHashMap<>();
        state().forEach((k, t) -> host.put(k, t.toHost()));
        org.efuf4j.tensor.safetensors.SafetensorsWriter.write(file, host);
    }

    public final void load(Path file) {
        var f = org.efuf4j.tensor.safetensors.SafetensorsFile.open(file);
        loadState(f.tensors(), file.toString());
    }

    static org.efuf4j.tensor.Tensor stepTensor(long step) { return org.efuf4j.tensor.Tensor.ofLongs(new long[] {step}, 1); }
}

package org.efuf4j.autograd.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Tensor;

/** torch.optim.SGD with momentum, dampening, L2 weight decay and Nesterov. */
public final class Sgd extends Optimizer {
    private final float momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final Tensor[] buffers;

    public Sgd(List<Parameter> params, double lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(params, lr);
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        buffers = new Tensor[this.params.size()];
    }

    @Override protected void update(int i, Parameter p, long step) {
        Backend be = p.backend();
        boolean first = false;
        if (momentum != 0f && buffers[i] == null) {
            buffers[i] = be.zeros(DType.F32, p.shape());
            first = true;
        }
        be.sgd(p.value(), p.grad(), buffers[i], (float) lr(), momentum, dampening, weightDecay, nesterov, first);
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("step", stepTensor(stepCount()));
        for (int i = 0; i < buffers.length; i++) if (buffers[i] != null) s.put(i + ".momentum_buffer", buffers[i]);
        return s;
    }

    @Override public void loadState(Map<String, Tensor> state, String source) {
        Tensor step = state.get("step");
        if (step == null) throw new IllegalArgumentException("optimizer state " + source + " has no 'step'");
        for (int i = 0; i < buffers.length; i++) {
            Tensor b = state.get(i + ".momentum_buffer");
            buffers[i] = b == null ? null : AdamW.writableCopy(params.get(i).backend(), b);
        }
        setStepCount(step.getLong(0));
    }
}

package org.efuf4j.autograd.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** torch.optim.AdamW: decoupled weight decay, bias-corrected moments, eps added after the square root. */
public final class AdamW extends Optimizer {
    private final float beta1, beta2, eps, weightDecay;
    private final Tensor[] m, v;

    public AdamW(List<Parameter> params, double lr, float beta1, float beta2, float eps, float weightDecay) {
        super(params, lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        m = new Tensor[this.params.size()];
        v = new Tensor[this.params.size()];
    }

    /** torch defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Parameter> params, double lr) { this(params, lr, 0.9f, 0.999f, 1e-8f, 0.01f); }

    @Override protected void update(int i, Parameter p, long step) {
        Backend be = p.backend();
        if (m[i] == null) {
            m[i] = be.zeros(DType.F32, p.shape());
            v[i] = be.zeros(DType.F32, p.shape());
        }
        be.adamW(p.value(), p.grad(), m[i], v[i], (float) lr(), beta1, beta2, eps, weightDecay, step);
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("step", stepTensor(stepCount()));
        for (int i = 0; i < m.length; i++) {
            if (m[i] == null) continue;
            s.put(i + ".exp_avg", m[i]);
            s.put(i + ".exp_avg_sq", v[i]);
        }
        return s;
    }

    @Override public void loadState(Map<String, Tensor> state, String source) {
        Tensor step = state.get("step");
        if (step == null) throw new IllegalArgumentException("optimizer state " + source + " has no 'step'");
        for (String k : state.keySet()) {
            if (k.equals("step")) continue;
            int dot = k.indexOf('.');
            int i = dot < 0 ? -1 : Integer.parseInt(k.substring(0, dot));
            if (i < 0 || i >= params.size())
                throw new IllegalArgumentException("optimizer state " + source + ": key '" + k + "' names no parameter of the " + params.size() + " being optimized");
            if (!java.util.Arrays.equals(state.get(k).shape(), params.get(i).shape()))
                throw new IllegalArgumentException("optimizer state " + source + ": '" + k + "' has shape " + Shapes.str(state.get(k).shape())
                        + ", parameter " + i + " has " + Shapes.str(params.get(i).shape()));
        }
        for (int i = 0; i < m.length; i++) {
            Tensor sm = state.get(i + ".exp_avg"), sv = state.get(i + ".exp_avg_sq");
            Backend be = params.get(i).backend();
            m[i] = sm == null ? null : writableCopy(be, sm);
            v[i] = sv == null ? null : writableCopy(be, sv);
        }
        setStepCount(step.getLong(0));
    }

    static Tensor writableCopy(Backend be, Tensor t) {
        Tensor onDevice = be.fromHost(t.toHost());
        return onDevice.device().isCpu() ? be.cast(onDevice, DType.F32) : be.contiguous(onDevice);
    }
}

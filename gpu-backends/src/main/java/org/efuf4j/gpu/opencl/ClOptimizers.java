package org.efuf4j.gpu.opencl;

import static org.efuf4j.gpu.opencl.ClMemory.mem;
import static org.efuf4j.gpu.opencl.ClViews.requireSameShape;

import java.util.Arrays;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;

/** AdamW and SGD steps in place ({@code optim.cl}), so a training step never leaves the device. */
final class ClOptimizers extends ClFamily {
    ClOptimizers(ClMemory memory) { super(memory); }

    void adamW(Tensor param, Tensor grad, Tensor mom1, Tensor mom2, float lr, float beta1, float beta2, float eps, float weightDecay, long step) {
        if (step < 1) throw new IllegalArgumentException("AdamW step counts from 1, got " + step);
        inPlace("parameter", param, param);
        inPlace("AdamW first moment", mom1, param);
        inPlace("AdamW second moment", mom2, param);
        requireSameShape("AdamW gradient", param, grad);
        Tensor g = m.f32c(m.own(grad));
        float decay = 1f - lr * weightDecay;
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        long n = param.numel();
        rt.kernel("adamw").l(n).mem(mem(param)).mem(mem(g)).mem(mem(mom1)).mem(mem(mom2)).f(decay).f(beta1).f(beta2).f(eps).f(stepSize).f(bc2Sqrt)
                .run(new long[] {n}, null);
    }

    void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, float lr, float momentum, float dampening, float weightDecay, boolean nesterov, boolean firstStep) {
        inPlace("parameter", param, param);
        requireSameShape("SGD gradient", param, grad);
        if (momentum != 0f && momentumBuffer == null) throw new IllegalArgumentException("SGD with momentum " + momentum + " needs a momentum buffer");
        if (momentumBuffer != null) inPlace("SGD momentum buffer", momentumBuffer, param);
        Tensor g = m.f32c(m.own(grad));
        Tensor buf = momentum == 0f || momentumBuffer == null ? param : momentumBuffer;
        long n = param.numel();
        rt.kernel("sgd").l(n).mem(mem(param)).mem(mem(g)).mem(mem(buf)).i(buf == param ? 0 : 1).f(lr).f(momentum).f(dampening).f(weightDecay)
                .i(nesterov ? 1 : 0).i(firstStep ? 1 : 0).run(new long[] {n}, null);
    }

    /** In-place updates need contiguous F32 starting at the buffer's first element (kernels index from 0). */
    private void inPlace(String what, Tensor t, Tensor like) {
        m.own(t);
        if (t.dtype() != DType.F32 || !t.isContiguous() || t.offset() != 0)
            throw new IllegalArgumentException(what + " must be a whole contiguous F32 device tensor to update in place, got " + t);
        if (!Arrays.equals(t.shape(), like.shape()))
            throw new IllegalArgumentException(what + " shape " + Shapes.str(t.shape()) + " differs from parameter " + Shapes.str(like.shape()));
    }
}

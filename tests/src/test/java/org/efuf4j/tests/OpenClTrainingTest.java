package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.nn.PreLnLanguageModel;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.gpu.opencl.OpenClDevice;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A few AdamW steps of a small pre-LN language model on the OpenCL device give the same losses and
 * parameters as on the CPU backend: the whole training step (forward, backward, optimizer) runs through
 * the device's kernels. Tolerance 2e-4 relative: three steps of F32 arithmetic in different summation
 * orders, with AdamW's normalised update amplifying tiny gradient differences at most to about lr.
 */
class OpenClTrainingTest {
    private static final Device CL = new Device("opencl", 0);

    private static PreLnLanguageModel model() {
        PreLnLanguageModel m = new PreLnLanguageModel(50, 16, 32, 4, 64, 2, UnaryOp.GELU_ERF, new Random(11));
        // A key bias shifts every score of a query row equally, so softmax cancels it: its exact gradient is 0
        // and AdamW would turn F32 rounding noise into lr-sized steps. Frozen, as in the PyTorch parity test.
        m.namedParameters().forEach((name, p) -> { if (name.endsWith("k_proj.bias")) p.setRequiresGrad(false); });
        return m;
    }

    private static void train(PreLnLanguageModel m, Tensor ids, Tensor labels, int steps, float[] losses) {
        AdamW opt = new AdamW(m.trainableParameters(), 1e-2, 0.9f, 0.999f, 1e-8f, 0.01f);
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            Variable loss = m.loss(ids, labels, Losses.Reduction.MEAN_PER_SAMPLE);
            losses[s] = loss.value().item();
            loss.backward();
            opt.step();
        }
    }

    @Test
    void trainingStepsOnOpenClMatchTheCpu() {
        Assumptions.assumeFalse(OpenClDevice.list().isEmpty(), "no OpenCL device (install pocl-opencl-icd)");
        long[] idv = new long[2 * 12];
        Random r = new Random(3);
        for (int i = 0; i < idv.length; i++) idv[i] = r.nextInt(50);
        long[] lab = idv.clone();
        lab[5] = -100;
        Tensor ids = Tensor.ofLongs(idv, 2, 12), labels = Tensor.ofLongs(lab, 2, 12);

        PreLnLanguageModel cpu = model();
        PreLnLanguageModel dev = model();
        dev.to(CL);
        float[] lc = new float[3], ld = new float[3];
        train(cpu, ids, labels, 3, lc);
        train(dev, ids.to(CL), labels.to(CL), 3, ld);
        for (int s = 0; s < 3; s++) assertEquals(lc[s], ld[s], 2e-4 * Math.abs(lc[s]), "loss at step " + s);
        Map<String, Parameter> pc = cpu.namedParameters(), pd = dev.namedParameters();
        for (String name : pc.keySet()) {
            Tensor a = pc.get(name).value(), b = pd.get(name).value();
            assertEquals(CL, b.device(), name + " stayed on the device");
            float[] x = a.toFloatArray(), y = b.toFloatArray();
            double scale = 1e-3;
            for (float v : x) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 2e-4 * scale, name + "[" + i + "] after 3 steps");
        }
    }
}

package org.efuf4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.autograd.optim.GradClip;
import org.efuf4j.autograd.optim.LrSchedule;
import org.efuf4j.autograd.optim.Sgd;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimizer steps against torch's update rules written out by hand (double reference device). */
class OptimizerTest {
    private static Parameter param(double... v) { return new Parameter(ReferenceBackend.wrap(v.clone(), v.length)); }

    private static double[] val(Parameter p) { return ReferenceBackend.read(p.value()); }

    @Test
    void adamWFollowsTorch() {
        Parameter p = param(1.0, -2.0, 0.5);
        AdamW opt = new AdamW(List.of(p), 0.1, 0.9f, 0.999f, 1e-8f, 0.01f);
        double[] x = {1.0, -2.0, 0.5}, m = new double[3], v = new double[3];
        double[][] grads = {{0.3, -0.1, 2.0}, {-0.5, 0.2, 1.0}, {0.1, 0.1, -3.0}};
        for (int t = 1; t <= 3; t++) {
            p.setGrad(ReferenceBackend.wrap(grads[t - 1].clone(), 3));
            opt.step();
            for (int i = 0; i < 3; i++) {
                double lr = 0.1, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f;
                x[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * grads[t - 1][i];
                v[i] = b2 * v[i] + (1 - b2) * grads[t - 1][i] * grads[t - 1][i];
                x[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps);
            }
            for (int i = 0; i < 3; i++) assertEquals(x[i], val(p)[i], 1e-7, "step " + t);
        }
    }

    @Test
    void sgdMomentumAndNesterov() {
        Parameter p = param(1.0, 2.0), q = param(1.0, 2.0);
        Sgd plain = new Sgd(List.of(p), 0.1, 0.9f, 0f, 0f, false), nest = new Sgd(List.of(q), 0.1, 0.9f, 0f, 0f, true);
        double[] g = {0.5, -1.0};
        for (int step = 0; step < 2; step++) {
            p.setGrad(ReferenceBackend.wrap(g.clone(), 2));
            q.setGrad(ReferenceBackend.wrap(g.clone(), 2));
            plain.step();
            nest.step();
        }
        // buf1 = g, buf2 = 0.9 g + g = 1.9 g; plain: p -= 0.1 (g + 1.9 g); nesterov: p -= 0.1 (g + 0.9 g) + 0.1 (g + 0.9*1.9 g).
        assertEquals(1.0 - 0.1 * 2.9 * 0.5, val(p)[0], 1e-6);
        assertEquals(1.0 - 0.1 * (1.9 + 2.71) * 0.5, val(q)[0], 1e-6);
    }

    @Test
    void clippingScalesToTheGlobalNorm() {
        Parameter a = param(0, 0), b = param(0);
        a.setGrad(ReferenceBackend.wrap(new double[] {3, 0}, 2));
        b.setGrad(ReferenceBackend.wrap(new double[] {4}, 1));
        assertEquals(5.0, GradClip.clipGlobalNorm(List.of(a, b), 1.0), 1e-9);
        assertEquals(3.0 / (5 + 1e-6), ReferenceBackend.read(a.grad())[0], 1e-6);
        assertEquals(4.0 / (5 + 1e-6), ReferenceBackend.read(b.grad())[0], 1e-6);
    }

    @Test
    void schedules() {
        LrSchedule w = LrSchedule.linearWarmup(1.0, 4);
        assertEquals(0.0, w.lr(0));
        assertEquals(0.5, w.lr(2));
        assertEquals(1.0, w.lr(10));
        LrSchedule c = LrSchedule.cosine(1.0, 2, 12, 0.0);
        assertEquals(0.5, c.lr(1), 1e-12);
        assertEquals(1.0, c.lr(2), 1e-12);
        assertEquals(0.5, c.lr(7), 1e-12);
        assertEquals(0.0, c.lr(12), 1e-12);
    }

    @Test
    void stateSaveAndResumeContinuesIdentically(@TempDir Path dir) {
        Parameter p = param(1.0, -1.0), q = param(1.0, -1.0);
        AdamW a = new AdamW(List.of(p), 0.05), b = new AdamW(List.of(q), 0.05);
        double[][] grads = {{0.3, -0.2}, {0.1, 0.4}, {-0.2, 0.2}};
        p.setGrad(ReferenceBackend.wrap(grads[0].clone(), 2));
        a.step();
        Path file = dir.resolve("opt.safetensors");
        a.save(file);
        q.setValue(ReferenceBackend.wrap(val(p), 2));
        b.load(file);
        assertEquals(1, b.stepCount());
        for (int s = 1; s < 3; s++) {
            p.setGrad(ReferenceBackend.wrap(grads[s].clone(), 2));
            q.setGrad(ReferenceBackend.wrap(grads[s].clone(), 2));
            a.step();
            b.step();
        }
        // Saved moments pass through F64 safetensors, so the resumed run matches to double rounding.
        for (int i = 0; i < 2; i++) assertEquals(val(p)[i], val(q)[i], 1e-12);
    }
}

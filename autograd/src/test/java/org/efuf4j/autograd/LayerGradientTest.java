package org.efuf4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.efuf4j.autograd.nn.ClipEncoderLayer;
import org.efuf4j.autograd.nn.LlamaDecoderLayer;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.efuf4j.tensor.reference.ReferenceStorage;
import org.junit.jupiter.api.Test;

/**
 * Whole layers and losses on the double reference device: every parameter's gradient (and the input's)
 * against central differences, through residuals, norms, attention with masks/GQA/RoPE and MLPs.
 */
class LayerGradientTest {
    /** Checks a sampled subset of each parameter's elements (whole layers have thousands). */
    private static void checkModule(String name, Module m, Variable x, java.util.function.Supplier<Variable> loss) {
        m.to(ReferenceBackend.DEVICE);
        Variable l = loss.get();
        l.backward();
        Random pick = new Random(99);
        for (var e : m.namedParameters().entrySet()) checkLeaf(name + " " + e.getKey(), e.getValue(), loss, pick);
        if (x != null) checkLeaf(name + " input", x, loss, pick);
    }

    private static void checkLeaf(String what, Variable p, java.util.function.Supplier<Variable> loss, Random pick) {
        double[] data = ((ReferenceStorage) p.value().storage()).data();
        double[] analytic = ReferenceBackend.read(p.grad());
        for (int s = 0; s < Math.min(6, data.length); s++) {
            int j = pick.nextInt(data.length);
            double saved = data[j];
            data[j] = saved + GradCheck.H;
            double plus = value(loss);
            data[j] = saved - GradCheck.H;
            double minus = value(loss);
            data[j] = saved;
            double fd = (plus - minus) / (2 * GradCheck.H);
            assertEquals(fd, analytic[j], GradCheck.ATOL + GradCheck.RTOL * Math.abs(fd), what + " element " + j);
        }
    }

    private static double value(java.util.function.Supplier<Variable> loss) {
        try (NoGrad s = NoGrad.enter()) { return ReferenceBackend.read(loss.get().value())[0]; }
    }

    @Test
    void clipEncoderLayerWithPadding() {
        Random r = new Random(21);
        ClipEncoderLayer layer = new ClipEncoderLayer(8, 2, 12, UnaryOp.QUICK_GELU, 1e-5f, r);
        Variable x = Variable.leaf(GradCheck.rand(r, 2, 3, 8));
        Tensor w = GradCheck.rand(r, 2, 3, 8);
        AttentionMask mask = AttentionMask.padding(Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 0}, 2, 3));
        checkModule("clip layer", layer, x, () -> Arithmetic.mul(layer.forward(x, mask), Variable.constant(w)).sum());
    }

    @Test
    void llamaDecoderLayerWithGqaAndRope() {
        Random r = new Random(22);
        LlamaDecoderLayer layer = new LlamaDecoderLayer(8, 4, 2, 10, 10000f, 1e-6f, r);
        Variable x = Variable.leaf(GradCheck.rand(r, 2, 3, 8));
        Tensor w = GradCheck.rand(r, 2, 3, 8);
        Tensor positions = Tensor.ofLongs(new long[] {0, 1, 2, 0, 1, 2}, 2, 3);
        checkModule("llama layer", layer, x, () -> Arithmetic.mul(layer.forward(x, AttentionMask.CAUSAL, positions, null), Variable.constant(w)).sum());
    }

    @Test
    void tokenCrossEntropyReductions() {
        Random r = new Random(23);
        Tensor targets = Tensor.ofLongs(new long[] {1, -100, 3, 2, -100, -100, 0, 4}, 2, 4);
        for (Losses.Reduction red : Losses.Reduction.values())
            GradCheck.check("token CE " + red, r, v -> Losses.tokenCrossEntropy(v[0], targets, red), GradCheck.uniform(r, -2, 2, 2, 4, 5));
        // Values: per sample = mean of its target tokens' -log p.
        Tensor logits = GradCheck.uniform(r, -2, 2, 2, 4, 5);
        double[] lv = ReferenceBackend.read(logits);
        long[] t = targets.toLongArray();
        double[] perSample = new double[2];
        double total = 0;
        int all = 0;
        for (int b = 0; b < 2; b++) {
            int n = 0;
            for (int i = 0; i < 4; i++) {
                if (t[b * 4 + i] == -100) continue;
                double max = Double.NEGATIVE_INFINITY, s = 0;
                int o = (b * 4 + i) * 5;
                for (int c = 0; c < 5; c++) max = Math.max(max, lv[o + c]);
                for (int c = 0; c < 5; c++) s += Math.exp(lv[o + c] - max);
                double nll = max + Math.log(s) - lv[o + (int) t[b * 4 + i]];
                perSample[b] += nll;
                total += nll;
                n++;
                all++;
            }
            perSample[b] /= n;
        }
        Variable x = Variable.constant(logits);
        double[] none = ReferenceBackend.read(Losses.tokenCrossEntropy(x, targets, Losses.Reduction.NONE).value());
        assertEquals(perSample[0], none[0], 1e-12);
        assertEquals(perSample[1], none[1], 1e-12);
        assertEquals((perSample[0] + perSample[1]) / 2, ReferenceBackend.read(Losses.tokenCrossEntropy(x, targets, Losses.Reduction.MEAN_PER_SAMPLE).value())[0], 1e-12);
        assertEquals(total, ReferenceBackend.read(Losses.tokenCrossEntropy(x, targets, Losses.Reduction.SUM).value())[0], 1e-12);
        assertEquals(total / all, ReferenceBackend.read(Losses.tokenCrossEntropy(x, targets, Losses.Reduction.TOKEN_MEAN).value())[0], 1e-12);
    }

    @Test
    void clipContrastiveLoss() {
        Random r = new Random(24);
        GradCheck.check("clip contrastive", r, v -> Losses.clipContrastive(v[0], v[1], v[2]),
                GradCheck.rand(r, 3, 4), GradCheck.rand(r, 3, 4), GradCheck.uniform(r, 0.5, 1.5, 1));
    }

    @Test
    void frozenParametersReceiveNoGradient() {
        Random r = new Random(25);
        ClipEncoderLayer layer = new ClipEncoderLayer(4, 2, 6, UnaryOp.GELU_ERF, 1e-5f, r);
        layer.to(ReferenceBackend.DEVICE);
        layer.mlp.freeze();
        Variable x = Variable.constant(GradCheck.rand(r, 1, 2, 4));
        layer.forward(x, AttentionMask.NONE).sum().backward();
        for (Map.Entry<String, Parameter> e : layer.namedParameters().entrySet())
            assertEquals(!e.getKey().startsWith("mlp."), e.getValue().grad() != null, e.getKey());
        List<Parameter> trainable = layer.trainableParameters();
        assertEquals(layer.parameters().size() - 4, trainable.size());
    }
}

package org.efuf4j.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.efuf4j.autograd.nn.ClipEncoderLayer;
import org.efuf4j.autograd.nn.Embedding;
import org.efuf4j.autograd.nn.LayerNorm;
import org.efuf4j.autograd.nn.Linear;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.ModuleList;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.nn.PatchEmbedding;
import org.efuf4j.autograd.nn.PreLnLanguageModel;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.reference.ReferenceBackend;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiny pre-LN transformer LM and a tiny ViT classifier against torch 1.13 (fixtures from
 * scripts/fixtures/gen_autograd_parity.py, torch in float64): the loss of each of 5 AdamW steps, every
 * first-step gradient and every parameter after the 5 steps agree to 1e-4 relative, measured per tensor
 * as max|java - torch| / max(max|torch|, 1e-3), so a gradient element that is ~0 in both is not divided by ~0.
 * The key-projection biases are frozen on both sides: their exact gradient is zero (softmax ignores adding
 * q.b to a whole row of scores), so AdamW would turn F32 rounding noise into lr-sized steps; freezing them
 * also checks that frozen parameters get no gradient and stay put.
 * Runs on the double reference device and on the CPU backend; a missing fixture fails the test.
 */
class TorchParityTest {
    private static final double TOL = 1e-4;
    private static double worst;

    static final class TinyVit extends Module {
        final PatchEmbedding patches;
        final Parameter cls;
        final Embedding positions;
        final LayerNorm pre, post;
        final ModuleList<ClipEncoderLayer> layers;
        final Linear head;

        TinyVit(Random r) {
            patches = register("patch_embedding", new PatchEmbedding(3, 16, 4, false, r));
            cls = register("class_embedding", org.efuf4j.autograd.nn.Init.normal(r, 1f, 16));
            positions = register("position_embedding", new Embedding(5, 16, r));
            pre = register("pre_layrnorm", new LayerNorm(16, 1e-5f));
            layers = register("layers", new ModuleList<>());
            for (int i = 0; i < 2; i++) layers.add(new ClipEncoderLayer(16, 2, 24, UnaryOp.QUICK_GELU, 1e-5f, r));
            post = register("post_layernorm", new LayerNorm(16, 1e-5f));
            head = register("head", new Linear(16, 5, true, r));
        }

        Variable loss(Tensor images, Tensor labels) {
            int b = images.dim(0);
            Variable p = patches.forward(images);
            Variable clsRow = Arithmetic.add(Variable.constant(images.backend().zeros(DType.F32, b, 1, 16)), cls.reshape(1, 1, 16));
            Variable x = Arithmetic.add(Shaping.concat(1, clsRow, p), positions.forward(arange(5)));
            x = pre.forward(x);
            for (ClipEncoderLayer l : layers) x = l.forward(x, AttentionMask.NONE);
            Variable logits = head.forward(post.forward(x.slice(1, 0, 1).reshape(b, 16)));
            return Losses.tokenCrossEntropy(logits.reshape(b, 1, 5), labels.reshape(b, 1), Losses.Reduction.TOKEN_MEAN);
        }
    }

    static Tensor arange(int t) {
        long[] a = new long[t];
        for (int i = 0; i < t; i++) a[i] = i;
        return Tensor.ofLongs(a, 1, t);
    }

    /** A golden fixture is part of the test: a missing one fails, it never skips. */
    private static Path fixture(String name) {
        String resource = "/parity/" + name + ".safetensors";
        java.net.URL url = TorchParityTest.class.getResource(resource);
        if (url == null) throw new AssertionError("golden fixture " + resource + " is missing from autograd/src/test/resources; "
                + "regenerate it with scripts/fixtures/gen_autograd_parity.py");
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[] values(Tensor t) {
        return t.device().equals(ReferenceBackend.DEVICE) ? ReferenceBackend.read(t) : ReferenceBackend.read(t.toHost());
    }

    private static void close(String what, Tensor expected, Tensor actual) {
        double[] e = values(expected), a = values(actual);
        double maxDiff = 0, scale = 1e-3;
        for (int i = 0; i < e.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(e[i] - a[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        assertTrue(maxDiff / scale <= TOL, what + ": relative difference " + maxDiff / scale);
        worst = Math.max(worst, maxDiff / scale);
    }

    private static void run(Module model, Device device, String fixtureName, Function<Map<String, Tensor>, Variable> loss) {
        SafetensorsFile f = SafetensorsFile.open(fixture(fixtureName));
        Map<String, Tensor> all = f.tensors();
        Map<String, Tensor> init = new java.util.LinkedHashMap<>();
        model.namedParameters().keySet().forEach(k -> init.put(k, all.get("init." + k)));
        model.to(device);
        model.loadStateDict(init, true, fixtureName);
        model.namedParameters().forEach((k, p) -> p.setRequiresGrad(!k.endsWith("self_attn.k_proj.bias")));
        AdamW opt = new AdamW(model.trainableParameters(), 1e-2, 0.9f, 0.999f, 1e-8f, 0.01f);
        double[] losses = values(all.get("losses"));
        for (int step = 0; step < 5; step++) {
            opt.zeroGrad();
            Variable l = loss.apply(all);
            double got = values(l.value())[0];
            assertTrue(Math.abs(got - losses[step]) <= TOL * Math.abs(losses[step]), fixtureName + " loss at step " + step + ": " + got + " vs torch " + losses[step]);
            l.backward();
            if (step == 0)
                for (var e : model.namedParameters().entrySet()) {
                    if (e.getValue().requiresGrad()) close(fixtureName + " grad " + e.getKey(), all.get("grad." + e.getKey()), e.getValue().grad());
                    else assertTrue(e.getValue().grad() == null, fixtureName + ": frozen " + e.getKey() + " received a gradient");
                }
            opt.step();
        }
        for (var e : model.namedParameters().entrySet()) close(fixtureName + " param after 5 steps " + e.getKey(), all.get("final." + e.getKey()), e.getValue().value());
        System.out.println(fixtureName + " on " + device + ": worst relative difference " + worst);
        worst = 0;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ref64", "cpu"})
    void tinyLanguageModel(String deviceName) {
        Device d = Device.parse(deviceName);
        PreLnLanguageModel m = new PreLnLanguageModel(13, 6, 16, 4, 32, 2, UnaryOp.GELU_ERF, new Random(0));
        run(m, d, "tiny_lm", all -> m.loss(all.get("inputs"), all.get("labels"), Losses.Reduction.MEAN_PER_SAMPLE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ref64", "cpu"})
    void tinyVisionTransformer(String deviceName) {
        Device d = Device.parse(deviceName);
        TinyVit m = new TinyVit(new Random(0));
        run(m, d, "tiny_vit", all -> m.loss(all.get("inputs").to(d), all.get("labels")));
    }
}

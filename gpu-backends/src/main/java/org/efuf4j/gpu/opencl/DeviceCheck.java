package org.efuf4j.gpu.opencl;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Backends;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Shapes;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * The prepared check for a real GPU: kernels against the CPU backend on random odd shapes, then F32 GEMM
 * GFLOP/s at 4096 and attention throughput. Prints one machine-readable line per result and counts failures.
 */
public final class DeviceCheck {
    private final Backend dev;
    private final Device device;
    private final PrintStream out;
    private final SplittableRandom rnd = new SplittableRandom(2024);
    private int failures;

    public DeviceCheck(Device device, PrintStream out) {
        this.device = device;
        this.dev = Backends.of(device);
        this.out = out;
    }

    public int failures() { return failures; }

    private Tensor random(int... shape) {
        float[] d = new float[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextDouble() * 2 - 1);
        return Tensor.of(d, shape);
    }

    private void compare(String name, Tensor expected, Tensor actual, double relTol) {
        float[] e = expected.toFloatArray(), a = actual.toHost().toFloatArray();
        double scale = 1e-6, worst = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(e[i] - a[i]) / scale);
        boolean ok = e.length == a.length && worst <= relTol;
        if (!ok) failures++;
        out.printf(Locale.ROOT, "check %s max_rel_err=%.3g tol=%.1g %s%n", name, worst, relTol, ok ? "ok" : "FAIL");
    }

    /** Every forward kernel family against the CPU backend. */
    public void checkKernels() {
        Backend cpu = Backends.cpu();
        Tensor a = random(3, 67, 129), b = random(3, 129, 93), w = random(93, 129), bias = random(93);
        compare("matmul", cpu.matmul(a, b), dev.matmul(a.to(device), b.to(device)), 1e-5 * Math.sqrt(129));
        compare("linear-bf16", cpu.linear(a, w.to(DType.BF16), bias), dev.linear(a.to(device), w.to(DType.BF16).to(device), bias.to(device)), 1e-5 * Math.sqrt(129));
        Tensor x = random(7, 301);
        compare("gelu", cpu.unary(UnaryOp.GELU_ERF, x), dev.unary(UnaryOp.GELU_ERF, x.to(device)), 2e-5);
        compare("add-broadcast", cpu.binary(BinaryOp.ADD, x, bias.slice(0, 0, 1)), dev.binary(BinaryOp.ADD, x.to(device), bias.slice(0, 0, 1).to(device)), 1e-6);
        compare("softmax", cpu.softmax(x), dev.softmax(x.to(device)), 1e-5);
        Tensor g = random(301);
        compare("layernorm", cpu.layerNorm(x, g, g, 1e-5f), dev.layerNorm(x.to(device), g.to(device), g.to(device), 1e-5f), 1e-5);
        compare("rmsnorm", cpu.rmsNorm(x, g, 1e-6f), dev.rmsNorm(x.to(device), g.to(device), 1e-6f), 1e-5);
        Tensor q = random(2, 8, 33, 64), k = random(2, 2, 33, 64), v = random(2, 2, 33, 64);
        compare("attention-causal-gqa", cpu.attention(q, k, v, AttentionMask.CAUSAL, 0.125f),
                dev.attention(q.to(device), k.to(device), v.to(device), AttentionMask.CAUSAL, 0.125f), 1e-5);
        Tensor out = cpu.attention(q, k, v, AttentionMask.CAUSAL, 0.125f), dOut = random(2, 8, 33, 64);
        Backend.AttentionGrads cg = cpu.attentionBackward(q, k, v, AttentionMask.CAUSAL, 0.125f, out, dOut);
        Backend.AttentionGrads dg = dev.attentionBackward(q.to(device), k.to(device), v.to(device), AttentionMask.CAUSAL, 0.125f, out.to(device), dOut.to(device));
        compare("attention-backward-dk", cg.dk(), dg.dk(), 1e-5);
        Tensor logits = random(16, 1000);
        Tensor targets = Tensor.ofLongs(new long[] {1, 5, 999, -100, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, 16);
        compare("cross-entropy", cpu.crossEntropy(logits, targets).loss(), dev.crossEntropy(logits.to(device), targets.to(device)).loss(), 1e-5);
    }

    private double seconds(Runnable body, int reps) {
        body.run();
        synchronizeVia(dev);
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) body.run();
        synchronizeVia(dev);
        return (System.nanoTime() - t0) / 1e9 / reps;
    }

    /** A 4-byte read drains the in-order queue, so timings include every enqueued kernel. */
    private static void synchronizeVia(Backend b) {
        b.zeros(DType.F32, 1).toHost();
    }

    public void benchGemm(int n) {
        Tensor a = random(n, n).to(device), b = random(n, n).to(device);
        double s = seconds(() -> dev.matmul(a, b), 5);
        out.printf(Locale.ROOT, "opencl-gemm n=%d dtype=f32 device=%s ms=%.2f gflops=%.1f%n", n, device, s * 1e3, 2.0 * n * n * n / s / 1e9);
    }

    public void benchAttention(int batch, int heads, int seq, int dim) {
        Tensor q = random(batch, heads, seq, dim).to(device), k = random(batch, heads, seq, dim).to(device), v = random(batch, heads, seq, dim).to(device);
        double s = seconds(() -> dev.attention(q, k, v, AttentionMask.CAUSAL, (float) (1 / Math.sqrt(dim))), 5);
        double flops = 4.0 * batch * heads * dim * (seq * (seq + 1) / 2.0);
        out.printf(Locale.ROOT, "opencl-attention b=%d h=%d t=%d d=%d device=%s ms=%.2f gflops=%.1f%n", batch, heads, seq, dim, device, s * 1e3, flops / s / 1e9);
    }
}

package org.efuf4j.cli;

import java.io.PrintStream;
import java.util.Random;
import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.PreLnLanguageModel;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.gpu.opencl.DeviceCheck;
import org.efuf4j.gpu.opencl.OpenClDevice;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;

/**
 * The GPU check behind {@code efuf gpu-check} and the self-contained bundle (scripts/gpu-check/): it has its
 * own {@link #main} without picocli, so the bundle carries only the engine's jars.
 */
public final class GpuCheck {
    static final Device DEFAULT_DEVICE = new Device("opencl", 0);

    private GpuCheck() {}

    /** Returns the process exit code: 0 all checks passed, 1 a check failed, 2 no device. */
    static int run(Device dev, int gemm, boolean quick, PrintStream out) {
        var devices = OpenClDevice.list();
        if (devices.isEmpty()) {
            System.err.println("efuf gpu-check: no OpenCL device found (is the vendor driver's ICD in /etc/OpenCL/vendors?)");
            return 2;
        }
        devices.forEach(d -> out.println("device " + d));
        DeviceCheck check = new DeviceCheck(dev, out);
        check.checkKernels();
        check.benchGemm(quick ? 256 : gemm);
        if (quick) check.benchAttention(2, 4, 64, 64);
        else {
            check.benchAttention(16, 4, 64, 64);
            check.benchAttention(1, 32, 600, 128);
        }
        trainStep(dev, quick, out);
        out.println("gpu-check failures=" + check.failures());
        return check.failures() == 0 ? 0 : 1;
    }

    /**
     * Times one training step (forward, backward, AdamW) of the decoder LM that `efuf bench train-step`
     * measures on the CPU: d_model 256, 4 heads, 4 layers, FFN 1024, GELU, seq 64, batch 16, vocab 1000.
     */
    static void trainStep(Device dev, boolean quick, PrintStream out) {
        int vocab = 1000, seq = quick ? 16 : 64, batch = quick ? 2 : 16, d = quick ? 64 : 256, layers = quick ? 1 : 4;
        PreLnLanguageModel model = new PreLnLanguageModel(vocab, seq, d, 4, 4 * d, layers, UnaryOp.GELU_ERF, new Random(1));
        model.to(dev);
        long[] ids = new long[batch * seq];
        Random r = new Random(2);
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(vocab);
        Tensor x = Tensor.ofLongs(ids, batch, seq).to(dev);
        AdamW opt = new AdamW(model.trainableParameters(), 1e-4);
        Runnable step = () -> {
            opt.zeroGrad();
            Variable loss = model.loss(x, x, Losses.Reduction.MEAN_PER_SAMPLE);
            loss.backward();
            opt.step();
            loss.value().item();
        };
        step.run();
        int reps = 5;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) step.run();
        double ms = (System.nanoTime() - t0) / 1e6 / reps;
        out.printf(java.util.Locale.ROOT, "opencl-train-step d=%d layers=%d seq=%d batch=%d device=%s ms=%.1f%n", d, layers, seq, batch, dev, ms);
    }

    /** {@code [--device opencl:N] [--gemm N] [--quick]}. */
    public static void main(String[] args) {
        String device = null;
        int gemm = 4096;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = args[++i];
                case "--gemm" -> gemm = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                default -> {
                    System.err.println("gpu-check: unknown argument " + args[i] + " (expected --device D, --gemm N, --quick)");
                    System.exit(2);
                }
            }
        }
        Device dev;
        try {
            dev = DeviceOption.resolve(device, System.getenv(DeviceOption.ENVIRONMENT), DEFAULT_DEVICE);
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-check: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(dev, gemm, quick, System.out));
    }
}

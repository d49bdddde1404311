package org.efuf4j.efuf.cli;

import java.io.PrintStream;
import org.efuf4j.gpu.opencl.DeviceCheck;
import org.efuf4j.gpu.opencl.OpenClDevice;
import org.efuf4j.tensor.Device;

/**
 * The GPU check behind {@code efuf gpu-check} and the self-contained bundle (scripts/gpu-check/): it has its
 * own {@link #main} without picocli, so the bundle carries only the engine's jars.
 */
public final class GpuCheck {
    private GpuCheck() {}

    /** Returns the process exit code: 0 all checks passed, 1 a check failed, 2 no device. */
    static int run(String device, int gemm, boolean quick, PrintStream out) {
        var devices = OpenClDevice.list();
        if (devices.isEmpty()) {
            System.err.println("efuf gpu-check: no OpenCL device found (is the vendor driver's ICD in /etc/OpenCL/vendors?)");
            return 2;
        }
        devices.forEach(d -> out.println("device " + d));
        Device dev = Device.parse(device != null ? device : System.getenv().getOrDefault("EFUF_DEVICE", "opencl:0"));
        DeviceCheck check = new DeviceCheck(dev, out);
        check.checkKernels();
        check.benchGemm(quick ? 256 : gemm);
        if (quick) check.benchAttention(2, 4, 64, 64);
        else {
            check.benchAttention(16, 4, 64, 64);
            check.benchAttention(1, 32, 600, 128);
        }
        out.println("gpu-check failures=" + check.failures());
        return check.failures() == 0 ? 0 : 1;
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
        System.exit(run(device, gemm, quick, System.out));
    }
}

package org.efuf4j.efuf.cli;

import java.util.concurrent.Callable;
import org.efuf4j.gpu.opencl.DeviceCheck;
import org.efuf4j.gpu.opencl.OpenClDevice;
import org.efuf4j.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code efuf gpu-check}: validates and times the OpenCL backend on a device (see scripts/gpu-check/). */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = "List OpenCL devices, check every kernel family against the CPU, time F32 GEMM and attention.")
final class GpuCheckCommand implements Callable<Integer> {
    @Option(names = "--device", description = "OpenCL device (default: opencl:0 or $EFUF_DEVICE)")
    String device;

    @Option(names = "--gemm", description = "square GEMM size to time (default: ${DEFAULT-VALUE})", defaultValue = "4096")
    int gemm;

    @Option(names = "--quick", description = "small sizes only (a smoke run on a CPU OpenCL driver)")
    boolean quick;

    @Override public Integer call() {
        var devices = OpenClDevice.list();
        if (devices.isEmpty()) {
            System.err.println("efuf gpu-check: no OpenCL device found (is the vendor driver's ICD in /etc/OpenCL/vendors?)");
            return 2;
        }
        devices.forEach(d -> System.out.println("device " + d));
        Device dev = Device.parse(device != null ? device : System.getenv().getOrDefault("EFUF_DEVICE", "opencl:0"));
        DeviceCheck check = new DeviceCheck(dev, System.out);
        check.checkKernels();
        check.benchGemm(quick ? 256 : gemm);
        if (quick) check.benchAttention(2, 4, 64, 64);
        else {
            check.benchAttention(16, 4, 64, 64);
            check.benchAttention(1, 32, 600, 128);
        }
        System.out.println("gpu-check failures=" + check.failures());
        return check.failures() == 0 ? 0 : 1;
    }
}

package org.efuf4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf gpu-check}: validates and times the OpenCL backend on a device (see scripts/gpu-check/). */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = "List OpenCL devices, check every kernel family against the CPU, time F32 GEMM and attention.")
final class GpuCheckCommand implements Callable<Integer> {
    @Mixin DeviceOption device;

    @Option(names = "--gemm", description = "square GEMM size to time (default: ${DEFAULT-VALUE})", defaultValue = "4096")
    int gemm;

    @Option(names = "--quick", description = "small sizes only (a smoke run on a CPU OpenCL driver)")
    boolean quick;

    @Override public Integer call() { return GpuCheck.run(device.orElse(GpuCheck.DEFAULT_DEVICE), gemm, quick, System.out); }
}

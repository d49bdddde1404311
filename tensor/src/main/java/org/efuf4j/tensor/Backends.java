package org.efuf4j.tensor;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.efuf4j.tensor.cpu.CpuBackend;

/**
 * Finds the backend for a device. The CPU backend is built in; device backends (OpenCL) are found at
 * run time through {@link BackendProvider} services, so the layers above never name them.
 */
public final class Backends {
    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();

    private Backends() {}

    public static Backend cpu() { return CpuBackend.INSTANCE; }

    public static Backend of(Device device) {
        if (device.isCpu()) return CpuBackend.INSTANCE;
        return OPEN.computeIfAbsent(device, Backends::open);
    }

    private static Backend open(Device device) {
        StringBuilder known = new StringBuilder("cpu");
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            known.append(", ").append(p.kind());
            if (p.kind().equals(device.kind())) return p.open(device.index());
        }
        throw new IllegalArgumentException("no backend for device '" + device + "'; available kinds: " + known);
    }
}

package org.efuf4j.tensor;

import java.util.ArrayList;
import java.util.List;
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

    /** The device kinds a backend exists for here: {@code cpu}, then those of the providers on the class path. */
    public static List<String> kinds() {
        List<String> kinds = new ArrayList<>(List.of("cpu"));
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) kinds.add(p.kind());
        return kinds;
    }

    private static Backend open(Device device) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class))
            if (p.kind().equals(device.kind())) return p.open(device.index());
        throw new IllegalArgumentException("no backend for device '" + device + "'; available kinds: " + String.join(", ", kinds()));
    }
}

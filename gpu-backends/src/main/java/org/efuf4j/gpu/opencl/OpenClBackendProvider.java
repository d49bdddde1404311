package org.efuf4j.gpu.opencl;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BackendProvider;

/** Registers {@code opencl[:N]} devices with {@link org.efuf4j.tensor.Backends}. */
public final class OpenClBackendProvider implements BackendProvider {
    @Override public String kind() { return "opencl"; }

    @Override public Backend open(int index) { return new OpenClBackend(OpenClDevice.select(index)); }
}

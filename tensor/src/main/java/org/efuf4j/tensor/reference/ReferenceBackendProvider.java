package org.efuf4j.tensor.reference;

import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.BackendProvider;

/** Makes the reference device reachable as {@code ref64} through {@link org.efuf4j.tensor.Backends}. */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override public String kind() { return ReferenceBackend.DEVICE.kind(); }
    @Override public Backend open(int index) { return ReferenceBackend.INSTANCE; }
}

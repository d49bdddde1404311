package org.efuf4j.tensor.reference;

import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Storage;

/** Elements of the double-precision reference device: one double per element whatever the nominal dtype. */
public record ReferenceStorage(double[] data) implements Storage {
    @Override public Device device() { return ReferenceBackend.DEVICE; }
    @Override public long byteSize() { return data.length * 8L; }
    @Override public boolean readOnly() { return false; }
}

package org.efuf4j.tensor;

/**
 * The bytes behind one or more tensors. Host storage is a {@link java.lang.foreign.MemorySegment};
 * device backends provide their own implementation holding a device buffer.
 */
public interface Storage {
    Device device();

    long byteSize();

    /** True for file-mapped weights and other storage that must not be written. */
    boolean readOnly();
}

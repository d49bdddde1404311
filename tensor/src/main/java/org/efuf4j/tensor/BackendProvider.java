package org.efuf4j.tensor;

/** A service that opens device backends of one kind (e.g. {@code opencl}); registered in META-INF/services. */
public interface BackendProvider {
    String kind();

    Backend open(int index);
}

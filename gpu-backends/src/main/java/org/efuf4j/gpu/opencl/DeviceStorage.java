package org.efuf4j.gpu.opencl;

import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Storage;
import org.jocl.cl_mem;

/** Tensor bytes resident in an OpenCL buffer; the buffer returns to the runtime's pool when this is collected. */
final class DeviceStorage implements Storage {
    private final Device device;
    private final long byteSize;
    final cl_mem buffer;

    DeviceStorage(OpenClRuntime rt, Device device, long byteSize) {
        this.device = device;
        this.byteSize = byteSize;
        this.buffer = rt.allocate(byteSize, this);
    }

    @Override public Device device() { return device; }
    @Override public long byteSize() { return byteSize; }
    @Override public boolean readOnly() { return false; }
}

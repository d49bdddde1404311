package org.efuf4j.gpu.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import java.util.EnumMap;
import java.util.Map;
import org.efuf4j.tensor.Device;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

/**
 * Device-side flags that kernels raise on bad input (an id outside the embedding table, a label outside the
 * vocabulary). Checking them right after each kernel would drain the queue once per op; instead they are
 * read at the next transfer to the host, which drains it anyway, and reported there.
 */
final class DeviceErrors {
    enum Kind {
        TOKEN_ID("a token id outside the embedding table was looked up"),
        TARGET("a cross-entropy target outside [0, vocab) that is not the ignore label -100 was used");

        final String message;

        Kind(String message) { this.message = message; }
    }

    private final OpenClRuntime rt;
    private final Map<Kind, cl_mem> flags = new EnumMap<>(Kind.class);

    DeviceErrors(OpenClRuntime rt) {
        this.rt = rt;
        for (Kind k : Kind.values()) {
            flags.put(k, clCreateBuffer(rt.context, CL_MEM_READ_WRITE, Sizeof.cl_int, null, null));
            reset(k);
        }
    }

    cl_mem flag(Kind kind) { return flags.get(kind); }

    private void reset(Kind kind) {
        clEnqueueWriteBuffer(rt.queue, flags.get(kind), CL_TRUE, 0, Sizeof.cl_int, Pointer.to(new int[] {0}), 0, null, null);
    }

    /** Reads every flag (the queue is already drained by the transfer that calls this) and throws for a raised one. */
    void throwIfRaised(Device device) {
        synchronized (rt) {
            for (Kind k : Kind.values()) {
                // read into native memory: a Java array handed to the driver is only guaranteed to see the result when the
                // JVM pins it in place (with -Xcheck:jni it gets a copy, and a raised flag read as 0)
                java.nio.IntBuffer v = java.nio.ByteBuffer.allocateDirect(Sizeof.cl_int).order(java.nio.ByteOrder.nativeOrder()).asIntBuffer();
                clEnqueueReadBuffer(rt.queue, flags.get(k), CL_TRUE, 0, Sizeof.cl_int, Pointer.to(v), 0, null, null);
                if (v.get(0) != 0) {
                    reset(k);
                    throw new IndexOutOfBoundsException("on " + device + ": " + k.message + " since the last transfer to the host");
                }
            }
        }
    }
}

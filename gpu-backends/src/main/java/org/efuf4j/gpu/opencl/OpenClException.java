package org.efuf4j.gpu.opencl;

/** An OpenCL failure, named by the call that failed and the OpenCL error, with the build log when a kernel failed to compile. */
public final class OpenClException extends RuntimeException {
    public OpenClException(String message) { super(message); }

    public OpenClException(String message, Throwable cause) { super(message, cause); }
}

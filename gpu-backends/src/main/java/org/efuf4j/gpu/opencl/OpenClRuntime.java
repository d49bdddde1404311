package org.efuf4j.gpu.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.efuf4j.tensor.BinaryOp;
import org.efuf4j.tensor.ReduceOp;
import org.efuf4j.tensor.UnaryOp;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One selected OpenCL device: its context, in-order queue, the per-process program cache (kernels
 * compiled at run time from the {@code .cl} resources with per-device parameters) and a caching buffer
 * allocator.
 *
 * <p>Thread safety, the one rule of the backend: every command reaches the queue through this class while holding its
 * monitor: a kernel's arguments are set and the kernel enqueued in one step ({@link Launch#run}), and so are fills,
 * transfers and error-flag reads. A {@code cl_kernel} keeps the arguments last set on it until it is enqueued, so two
 * threads setting arguments on the same kernel would launch each other's; under the monitor they cannot. The kernel
 * families above hold no state of their own, and the buffer pool has its own lock (its Cleaner returns buffers from
 * another thread). The queue is in order, so a thread's commands run in the order it issued them.
 */
final class OpenClRuntime {
    private static final Cleaner CLEANER = Cleaner.create();
    /** One file per operation family, forward and backward together; later files use helpers of earlier ones. */
    private static final String[] SOURCES = {"common.cl", "layout.cl", "matmul.cl", "elementwise.cl", "reduce.cl", "norms.cl",
            "cross_entropy.cl", "attention.cl", "embedding.cl", "optim.cl"};

    final OpenClDevice device;
    final cl_context context;
    final cl_command_queue queue;
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final BufferPool pool = new BufferPool();
    final KernelParameters params;
    final DeviceErrors errors;

    OpenClRuntime(OpenClDevice device) {
        this.device = device;
        this.params = KernelParameters.forDevice(device);
        try {
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
            context = clCreateContext(props, 1, new org.jocl.cl_device_id[] {device.id()}, null, null, null);
            queue = clCreateCommandQueue(context, device.id(), 0, null);
        } catch (CLException e) {
            throw new OpenClException("cannot open " + device + ": " + e.getMessage(), e);
        }
        program = build(source(), params.compilerOptions());
        errors = new DeviceErrors(this);
    }

    /** All kernel sources in one program, prefixed by op codes generated from the Java enums. */
    private static String source() {
        StringBuilder sb = new StringBuilder();
        for (UnaryOp op : UnaryOp.values()) sb.append("#define U_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
        for (BinaryOp op : BinaryOp.values()) sb.append("#define B_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
        for (ReduceOp op : ReduceOp.values()) sb.append("#define R_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
        sb.append("#define IGNORE ").append(org.efuf4j.tensor.Backend.IGNORE_INDEX).append('\n');
        for (String name : SOURCES) {
            try (InputStream in = OpenClRuntime.class.getResourceAsStream(name)) {
                if (in == null) throw new OpenClException("kernel source " + name + " missing from the gpu-backends jar");
                sb.append("// ---- ").append(name).append('\n').append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new OpenClException("cannot read kernel source " + name + ": " + e.getMessage(), e);
            }
        }
        return sb.toString();
    }

    private cl_program build(String src, String options) {
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {src}, null, null);
        try {
            clBuildProgram(p, 1, new org.jocl.cl_device_id[] {device.id()}, options, null, null);
        } catch (CLException e) {
            throw new OpenClException("OpenCL kernels failed to compile for " + device.name() + " (options '" + options + "'):\n" + buildLog(p), e);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
        return new String(buf, StandardCharsets.UTF_8).trim();
    }

    /** Starts a kernel launch; arguments are appended in declaration order and handed to the kernel by {@link Launch#run}. */
    Launch kernel(String name) { return new Launch(name); }

    final class Launch {
        private final String name;
        private final List<Long> sizes = new ArrayList<>();
        private final List<Pointer> values = new ArrayList<>();

        Launch(String name) { this.name = name; }

        private Launch arg(long size, Pointer value) {
            sizes.add(size);
            values.add(value);
            return this;
        }

        Launch i(int v) { return arg(Sizeof.cl_int, Pointer.to(new int[] {v})); }
        Launch l(long v) { return arg(Sizeof.cl_long, Pointer.to(new long[] {v})); }
        Launch f(float v) { return arg(Sizeof.cl_float, Pointer.to(new float[] {v})); }
        Launch mem(cl_mem m) { return arg(Sizeof.cl_mem, Pointer.to(m)); }
        Launch i8(int[] v) { return arg(Sizeof.cl_int * 8L, Pointer.to(v)); }
        Launch l8(long[] v) { return arg(Sizeof.cl_long * 8L, Pointer.to(v)); }

        /** Sets the arguments and enqueues over {@code global} work-items (rounded up to the local size), local size optional. */
        void run(long[] global, long[] local) {
            long[] g = global.clone();
            if (local != null) for (int d = 0; d < g.length; d++) g[d] = (g[d] + local[d] - 1) / local[d] * local[d];
            for (long x : g) if (x == 0) return;
            synchronized (OpenClRuntime.this) {
                cl_kernel k = kernels.computeIfAbsent(name, n -> clCreateKernel(program, n, null));
                for (int a = 0; a < sizes.size(); a++) clSetKernelArg(k, a, sizes.get(a), values.get(a));
                try {
                    clEnqueueNDRangeKernel(queue, k, g.length, null, g, local, 0, null, null);
                } catch (CLException e) {
                    throw new OpenClException("kernel " + name + " failed to launch on " + device.name() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    // ------------------------------------------------------------ buffers

    /** A device buffer of at least {@code bytes}, from the pool when one is free; returned to the pool when {@code owner} is collected. */
    cl_mem allocate(long bytes, Object owner) {
        long size = BufferPool.bucket(Math.max(bytes, 4));
        cl_mem m = pool.take(size);
        if (m == null) {
            try {
                m = clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null);
            } catch (CLException e) {
                pool.releaseAll();
                try {
                    m = clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null);
                } catch (CLException e2) {
                    throw new OpenClException("out of device memory on " + device.name() + " allocating " + size + " bytes", e2);
                }
            }
        }
        cl_mem buffer = m;
        CLEANER.register(owner, () -> pool.give(size, buffer));
        return m;
    }

    synchronized void fillZero(cl_mem m, long bytes) {
        clEnqueueFillBuffer(queue, m, Pointer.to(new byte[] {0}), 1, 0, bytes, 0, null, null);
    }

    private static final long CHUNK = 1L << 26;

    /** Host segment to device buffer, in chunks through direct memory (heap segments cannot be handed to the driver). */
    synchronized void write(cl_mem m, long deviceOffset, MemorySegment src) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stage = src.isNative() ? null : arena.allocate(Math.min(CHUNK, Math.max(1, src.byteSize())), 64);
            for (long off = 0; off < src.byteSize(); off += CHUNK) {
                long n = Math.min(CHUNK, src.byteSize() - off);
                MemorySegment part = src.asSlice(off, n);
                if (stage != null) {
                    MemorySegment.copy(part, 0, stage, 0, n);
                    part = stage.asSlice(0, n);
                }
                clEnqueueWriteBuffer(queue, m, CL_TRUE, deviceOffset + off, n, Pointer.to(part.asByteBuffer()), 0, null, null);
            }
        }
    }

    synchronized void read(cl_mem m, long deviceOffset, MemorySegment dst) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stage = dst.isNative() ? null : arena.allocate(Math.min(CHUNK, Math.max(1, dst.byteSize())), 64);
            for (long off = 0; off < dst.byteSize(); off += CHUNK) {
                long n = Math.min(CHUNK, dst.byteSize() - off);
                MemorySegment part = stage != null ? stage.asSlice(0, n) : dst.asSlice(off, n);
                clEnqueueReadBuffer(queue, m, CL_TRUE, deviceOffset + off, n, Pointer.to(part.asByteBuffer()), 0, null, null);
                if (stage != null) MemorySegment.copy(part, 0, dst, off, n);
            }
        }
    }

    synchronized void finish() { clFinish(queue); }

    /** Size-bucketed free lists, so step-to-step training reuses the same buffers instead of reallocating. */
    private static final class BufferPool {
        private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();

        /** Rounds up to 256 bytes below 64 KiB, else to an eighth of the next power of two (at most 12.5% waste). */
        static long bucket(long bytes) {
            if (bytes <= 65536) return (bytes + 255) & ~255L;
            long p = Long.highestOneBit(bytes - 1) << 1;
            long step = p / 8;
            return (bytes + step - 1) / step * step;
        }

        synchronized cl_mem take(long size) {
            ArrayDeque<cl_mem> q = free.get(size);
            return q == null ? null : q.poll();
        }

        synchronized void give(long size, cl_mem m) { free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(m); }

        synchronized void releaseAll() {
            System.gc();
            for (ArrayDeque<cl_mem> q : free.values()) for (cl_mem m : q) clReleaseMemObject(m);
            free.clear();
        }
    }
}

package org.efuf4j.tensor.cpu;

/**
 * A float buffer that the calling thread reuses from one GEMM to the next (packed operands are megabytes, and a fresh
 * array would be zeroed every call). A caller that is itself a pool worker may, while joining, run another task
 * that multiplies too; the buffer is then still in use and that nested GEMM gets a fresh array.
 */
final class CallerBuffer {
    private static final class Holder {
        float[] data = new float[0];
        boolean inUse;
    }

    private final ThreadLocal<Holder> holder = ThreadLocal.withInitial(Holder::new);

    /** A buffer of at least {@code size} floats; {@link #release} it once every worker is done with it. */
    record Lease(float[] data, Holder owner) {
        void release() {
            if (owner != null) owner.inUse = false;
        }
    }

    Lease take(int size) {
        Holder h = holder.get();
        if (h.inUse) return new Lease(new float[size], null);
        if (h.data.length < size) h.data = new float[size];
        h.inUse = true;
        return new Lease(h.data, h);
    }
}

package org.efuf4j.autograd;

/**
 * A scope in which ops record nothing (inference, optimizer updates):
 * {@code try (NoGrad scope = NoGrad.enter()) { ... }}. Scopes nest; per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private NoGrad() {}

    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** True when ops on this thread record a graph. */
    public static boolean recording() { return DEPTH.get()[0] == 0; }

    @Override public void close() {
        if (closed) return;
        closed = true;
        DEPTH.get()[0]--;
    }
}

package org.efuf4j.tensor.cpu;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The parts of a packed GEMM operand that the workers of one GEMM share ({@link SharedPanels}, {@link SharedRows}):
 * the first worker to claim a slot packs it, the others wait until it is ready. A packer never waits on anything,
 * so a wait lasts at most one slot's packing; a packer that fails marks its slot, and its waiters fail too.
 */
final class PackSlots {
    private static final int FREE = 0, PACKING = 1, READY = 2, FAILED = 3;
    private final AtomicIntegerArray state;

    PackSlots(int slots) { state = new AtomicIntegerArray(slots); }

    boolean ready(int slot) { return state.get(slot) == READY; }

    /** Packs {@code slot} with {@code packer} if no worker has claimed it yet. */
    void tryPack(int slot, Runnable packer) {
        if (state.get(slot) != FREE || !state.compareAndSet(slot, FREE, PACKING)) return;
        try {
            packer.run();
        } catch (RuntimeException | Error e) {
            state.set(slot, FAILED);
            throw e;
        }
        state.set(slot, READY);
    }

    /** Waits until {@code slot} is ready; {@code what} names it if its packer failed. */
    void await(int slot, String what) {
        int s;
        for (int spins = 0; (s = state.get(slot)) != READY; spins++) {
            if (s == FAILED) throw new IllegalStateException("packing " + what + " failed in another worker");
            if (spins < 1000) Thread.onSpinWait();
            else Thread.yield();
        }
    }
}

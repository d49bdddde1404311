package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Gemm.KC;
import static org.efuf4j.tensor.cpu.Gemm.NR;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The B operand of one GEMM column block, packed into {@link Gemm#NR}-wide micro-panels for every depth block of
 * {@link Gemm#KC}, and shared by all the workers of that GEMM. Panels are packed lazily, in groups of {@link #GROUP}:
 * the first unit that needs one claims and packs its group, a unit that finds it being packed waits (the packer
 * never waits on anything, so the wait
 * is the few microseconds one panel takes). Sharing replaces the earlier scheme where every worker packed its own
 * copy of B: on two cores that copy was about 7% of each worker's time.
 *
 * <p>Layout: depth block {@code pc} (a multiple of KC) starts at {@code pc * paddedCols}, and its panel {@code q}
 * at {@code q * NR * kc} inside it, where {@code kc} is that block's depth.
 *
 * <p>The float buffer is reused across calls through a per-thread holder of the calling thread. A caller that is
 * itself a pool worker may, while joining, run another task that multiplies too; the holder is then still in use
 * and that nested GEMM gets a fresh buffer.
 */
final class SharedPanels {
    private static final int FREE = 0, PACKING = 1, READY = 2, FAILED = 3;
    /** Panels claimed and packed together (see {@link Gemm#packPanels}). */
    static final int GROUP = 4;
    private static final ThreadLocal<Holder> HOLDER = ThreadLocal.withInitial(Holder::new);

    private static final class Holder {
        float[] data = new float[0];
        boolean inUse;
    }

    private final GemmOperand b;
    private final float[] data;
    private final AtomicIntegerArray state;
    private final Holder holder;
    private final int count, paddedCols;

    private SharedPanels(GemmOperand b, float[] data, Holder holder) {
        this.b = b;
        this.data = data;
        this.holder = holder;
        this.count = Gemm.ceilDiv(b.cols(), NR);
        this.paddedCols = count * NR;
        this.state = new AtomicIntegerArray(Gemm.ceilDiv(count, GROUP) * Gemm.ceilDiv(b.rows(), KC));
    }

    /** Panels for {@code b} (its rows are the GEMM depth), on the calling thread's reusable buffer when it is free. */
    static SharedPanels acquire(GemmOperand b) {
        int size = Gemm.roundUp(b.cols(), NR) * b.rows();
        Holder h = HOLDER.get();
        if (h.inUse) return new SharedPanels(b, new float[size], null);
        if (h.data.length < size) h.data = new float[size];
        h.inUse = true;
        return new SharedPanels(b, h.data, h);
    }

    /** Hands the buffer back to the calling thread's holder; call once every unit has finished. */
    void release() {
        if (holder != null) holder.inUse = false;
    }

    /** Micro-panels across the block. */
    int count() { return count; }

    /** Columns of the block (the last panel may be partly padding). */
    int cols() { return b.cols(); }

    float[] data() { return data; }

    /** Offset of panel {@code q} of the depth block starting at {@code pc}, packing its group first if no unit has. */
    int ready(int pc, int q) {
        int kc = Math.min(KC, b.rows() - pc);
        int group = q / GROUP, groups = Gemm.ceilDiv(count, GROUP);
        int slot = pc / KC * groups + group;
        int blockBase = pc * paddedCols, offset = blockBase + q * NR * kc;
        int s = state.get(slot);
        if (s == READY) return offset;
        if (s == FREE && state.compareAndSet(slot, FREE, PACKING)) {
            try {
                Gemm.packPanels(b.rowRange(pc, kc), group * GROUP, Math.min(count, (group + 1) * GROUP), data, blockBase);
            } catch (RuntimeException | Error e) {
                state.set(slot, FAILED);
                throw e;
            }
            state.set(slot, READY);
            return offset;
        }
        for (int spins = 0; (s = state.get(slot)) != READY; spins++) {
            if (s == FAILED) throw new IllegalStateException("packing GEMM panels " + group * GROUP + ".. of depth block " + pc / KC + " failed in another worker");
            if (spins < 1000) Thread.onSpinWait();
            else Thread.yield();
        }
        return offset;
    }
}

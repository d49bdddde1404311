package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Gemm.KC;
import static org.efuf4j.tensor.cpu.Gemm.NR;

/**
 * The B operand of one GEMM column block, packed into {@link Gemm#NR}-wide micro-panels for every depth block of
 * {@link Gemm#KC}, and shared by all the workers of that GEMM. Panels are packed lazily, in groups of {@link #GROUP}:
 * the first unit that needs one claims and packs its group, a unit that finds it being packed waits ({@link PackSlots}:
 * the few microseconds one group takes). Sharing replaces the earlier scheme where every worker packed its own
 * copy of B: on two cores that copy was about 7% of each worker's time.
 *
 * <p>Layout: depth block {@code pc} (a multiple of KC) starts at {@code pc * paddedCols}, and its panel {@code q}
 * at {@code q * NR * kc} inside it, where {@code kc} is that block's depth.
 *
 * <p>The float buffer is the calling thread's {@link CallerBuffer}.
 */
final class SharedPanels {
    /** Panels claimed and packed together (see {@link Gemm#packPanels}). */
    static final int GROUP = 4;
    private static final CallerBuffer BUFFER = new CallerBuffer();

    private final GemmOperand b;
    private final CallerBuffer.Lease lease;
    private final float[] data;
    private final PackSlots slots;
    private final int count, paddedCols;

    private SharedPanels(GemmOperand b, CallerBuffer.Lease lease) {
        this.b = b;
        this.lease = lease;
        this.data = lease.data();
        this.count = Gemm.ceilDiv(b.cols(), NR);
        this.paddedCols = count * NR;
        this.slots = new PackSlots(Gemm.ceilDiv(count, GROUP) * Gemm.ceilDiv(b.rows(), KC));
    }

    /** Panels for {@code b} (its rows are the GEMM depth), on the calling thread's reusable buffer when it is free. */
    static SharedPanels acquire(GemmOperand b) {
        return new SharedPanels(b, BUFFER.take(Gemm.roundUp(b.cols(), NR) * b.rows()));
    }

    /** Hands the buffer back to the calling thread's holder; call once every unit has finished. */
    void release() { lease.release(); }

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
        if (!slots.ready(slot)) {
            slots.tryPack(slot, () -> Gemm.packPanels(b.rowRange(pc, kc), group * GROUP, Math.min(count, (group + 1) * GROUP), data, blockBase));
            slots.await(slot, "GEMM panels " + group * GROUP + ".. of depth block " + pc / KC);
        }
        return offset;
    }
}

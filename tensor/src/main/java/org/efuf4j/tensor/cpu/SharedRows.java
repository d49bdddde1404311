package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Gemm.KC;
import static org.efuf4j.tensor.cpu.Gemm.MR;

/**
 * The A operand of one GEMM, cut into row blocks and packed once into {@link Gemm#MR}-row panels for the whole
 * depth, shared by the workers of {@link Gemm}'s task schedule (where any worker may compute any column panel of
 * any row block). A block is packed by the first worker that needs it; a worker that finds it being packed packs
 * the next block nobody has claimed instead of waiting idle, so two workers starting on the same block pack in
 * parallel.
 *
 * <p>Layout: depth block {@code pc} (a multiple of KC) starts at {@code pc * paddedRows}; inside it the block's rows
 * from {@code i0} on start at {@code i0 * kc}, panel by panel as {@link Gemm#packA} writes them. The float buffer
 * is the calling thread's {@link CallerBuffer}.
 */
final class SharedRows {
    private static final CallerBuffer BUFFER = new CallerBuffer();

    private final GemmOperand a;
    private final CallerBuffer.Lease lease;
    private final float[] data;
    private final PackSlots slots;
    private final int rowBlock, blocks, paddedRows;

    private SharedRows(GemmOperand a, int rowBlock, CallerBuffer.Lease lease) {
        this.a = a;
        this.rowBlock = rowBlock;
        this.lease = lease;
        this.data = lease.data();
        this.blocks = Gemm.ceilDiv(a.rows(), rowBlock);
        this.paddedRows = Gemm.roundUp(a.rows(), MR);
        this.slots = new PackSlots(blocks);
    }

    /** Packed rows of {@code a} in blocks of {@code rowBlock} (a multiple of MR), on the calling thread's buffer when free. */
    static SharedRows acquire(GemmOperand a, int rowBlock) {
        return new SharedRows(a, rowBlock, BUFFER.take(Gemm.roundUp(a.rows(), MR) * a.cols()));
    }

    /** Hands the buffer back; call once every worker has finished. */
    void release() { lease.release(); }

    int blocks() { return blocks; }

    int rowStart(int block) { return block * rowBlock; }

    int rows(int block) { return Math.min(rowBlock, a.rows() - block * rowBlock); }

    float[] data() { return data; }

    /** Offset of the first panel of {@code block} in the depth block starting at {@code pc}. */
    int offset(int block, int pc) {
        return pc * paddedRows + rowStart(block) * Math.min(KC, a.cols() - pc);
    }

    /** Makes sure {@code block} is packed: packs it, or while another worker does, packs unclaimed later blocks, then waits. */
    void ready(int block) {
        for (int other = block; other < blocks && !slots.ready(block); other++) {
            int o = other;
            slots.tryPack(o, () -> pack(o));
        }
        slots.await(block, "GEMM row block " + block);
    }

    private void pack(int block) {
        GemmOperand rows = a.rowRange(rowStart(block), rows(block));
        for (int pc = 0; pc < a.cols(); pc += KC) {
            int kc = Math.min(KC, a.cols() - pc);
            Gemm.packA(rows.colRange(pc, kc), data, offset(block, pc), kc);
        }
    }
}

package org.efuf4j.tensor.cpu;

import static org.efuf4j.tensor.cpu.Gemm.KC;
import static org.efuf4j.tensor.cpu.Gemm.MR;

import java.util.concurrent.atomic.AtomicIntegerArray;

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
    private static final int FREE = 0, PACKING = 1, READY = 2, FAILED = 3;
    private static final CallerBuffer BUFFER = new CallerBuffer();

    private final GemmOperand a;
    private final CallerBuffer.Lease lease;
    private final float[] data;
    private final AtomicIntegerArray state;
    private final int rowBlock, blocks, paddedRows;

    private SharedRows(GemmOperand a, int rowBlock, CallerBuffer.Lease lease) {
        this.a = a;
        this.rowBlock = rowBlock;
        this.lease = lease;
        this.data = lease.data();
        this.blocks = Gemm.ceilDiv(a.rows(), rowBlock);
        this.paddedRows = Gemm.roundUp(a.rows(), MR);
        this.state = new AtomicIntegerArray(blocks);
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
        for (int other = block; other < blocks && state.get(block) != READY; other++)
            if (state.get(other) == FREE && state.compareAndSet(other, FREE, PACKING)) pack(other);
        int s;
        for (int spins = 0; (s = state.get(block)) != READY; spins++) {
            if (s == FAILED) throw new IllegalStateException("packing GEMM row block " + block + " failed in another worker");
            if (spins < 1000) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    private void pack(int block) {
        try {
            GemmOperand rows = a.rowRange(rowStart(block), rows(block));
            for (int pc = 0; pc < a.cols(); pc += KC) {
                int kc = Math.min(KC, a.cols() - pc);
                Gemm.packA(rows.colRange(pc, kc), data, offset(block, pc), kc);
            }
        } catch (RuntimeException | Error e) {
            state.set(block, FAILED);
            throw e;
        }
        state.set(block, READY);
    }
}

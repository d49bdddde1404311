package org.efuf4j.autograd.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Random;

import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.nn.PreLnLanguageModel;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * One full training step (forward, backward, AdamW) of a pre-LN decoder LM: d_model 256, 4 heads,
 * 4 layers, FFN 1024, GELU, learned positions, seq 64, batch 16, vocab 1000, causal LM loss. Reports
 * the median ms per JIT-compiled step (after {@value #WARM_UP_STEPS} warm-up steps), tokens/s and the peak
 * Java heap in use; scripts/bench/torch_train_step.py runs the same step in torch.
 */
public final class TrainStepBenchSuite implements BenchSuite {
    /** Steps run before timing: enough for C2 to compile every hot kernel, even with the cores shared. */
    private static final int WARM_UP_STEPS = 20;

    @Override public String name() { return "train-step"; }

    @Override public String description() { return "forward+backward+AdamW step of a 4-layer d256 decoder LM (seq 64, batch 16)"; }

    @Override public void run(BenchContext ctx) {
        Parallel.setThreads(ctx.threads());
        int seq = 64, batch = ctx.quick() ? 4 : 16;
        Runnable step = step(batch, seq);
        // A training run takes thousands of steps, so the step to compare is the JIT-compiled one: the first
        // steps run the Vector API kernels interpreted (tens of times slower, seconds per step on a busy
        // machine) until C2 has compiled them, which a short time-based warm-up does not cover.
        for (int i = 0; i < (ctx.quick() ? 1 : WARM_UP_STEPS); i++) step.run();
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
        double sec = ctx.time(ctx.quick() ? 1.0 : 10.0, step);
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) peak += p.getPeakUsage().getUsed();
        ctx.result("train-step", "impl", "efuf4j", "d_model", 256, "layers", 4, "seq", seq, "batch", batch, "threads", ctx.threads(),
                "ms", sec * 1e3, "tokens_per_s", batch * seq / sec, "peak_heap_mib", peak >> 20, "live_mib", liveAtBackward(batch, seq) >> 20);
    }

    /**
     * Bytes the heap holds when a step needs the most: after the forward pass, when the graph keeps every activation
     * for backward, besides weights, gradients of the previous step and the optimizer's moments. Measured on an untimed
     * step with a full collection there, so it is the live set, not the garbage a collector lets pile up (the
     * {@code peak_heap_mib} figure), and compares with the resident memory torch reports.
     */
    private static long liveAtBackward(int batch, int seq) {
        Problem p = new Problem(batch, seq);
        p.run();
        p.opt.zeroGrad();
        var loss = p.model.loss(p.ids, p.labels, Losses.Reduction.TOKEN_MEAN);
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        loss.backward();
        p.opt.step();
        return live;
    }

    /**
     * One step of the benchmark model (vocab 1000, d_model 256, 4 heads, FFN 1024, 4 layers, GELU) on a fixed random
     * batch of {@code batch x seq} tokens; also run by {@link TrainStepBursts}.
     */
    static Runnable step(int batch, int seq) { return new Problem(batch, seq); }

    /** The model, its optimizer and one fixed batch. */
    private static final class Problem implements Runnable {
        final PreLnLanguageModel model;
        final AdamW opt;
        final Tensor ids, labels;

        Problem(int batch, int seq) {
            int vocab = 1000;
            Random r = new Random(0);
            model = new PreLnLanguageModel(vocab, seq, 256, 4, 1024, 4, UnaryOp.GELU_ERF, r);
            opt = new AdamW(model.parameters(), 1e-4);
            long[] tokens = new long[batch * seq], next = new long[batch * seq];
            for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(vocab);
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < seq; t++) next[b * seq + t] = t + 1 < seq ? tokens[b * seq + t + 1] : -100;
            ids = Tensor.ofLongs(tokens, batch, seq);
            labels = Tensor.ofLongs(next, batch, seq);
        }

        @Override public void run() {
            opt.zeroGrad();
            model.loss(ids, labels, Losses.Reduction.TOKEN_MEAN).backward();
            opt.step();
        }
    }
}

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
                "ms", sec * 1e3, "tokens_per_s", batch * seq / sec, "peak_heap_mib", peak >> 20);
    }

    /**
     * One step of the benchmark model (vocab 1000, d_model 256, 4 heads, FFN 1024, 4 layers, GELU) on a fixed random
     * batch of {@code batch x seq} tokens; also run by {@link TrainStepBursts}.
     */
    static Runnable step(int batch, int seq) {
        int vocab = 1000;
        Random r = new Random(0);
        PreLnLanguageModel model = new PreLnLanguageModel(vocab, seq, 256, 4, 1024, 4, UnaryOp.GELU_ERF, r);
        AdamW opt = new AdamW(model.parameters(), 1e-4);
        long[] ids = new long[batch * seq], labels = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(vocab);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < seq; t++) labels[b * seq + t] = t + 1 < seq ? ids[b * seq + t + 1] : -100;
        Tensor idT = Tensor.ofLongs(ids, batch, seq), labelT = Tensor.ofLongs(labels, batch, seq);
        return () -> {
            opt.zeroGrad();
            model.loss(idT, labelT, Losses.Reduction.TOKEN_MEAN).backward();
            opt.step();
        };
    }
}

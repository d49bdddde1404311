package org.efuf4j.models.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.nn.KvCache;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.HostStorage;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * Single-sequence decoding speed of a LLaMA-shaped model with memory-mapped BF16 weights, against the bound memory
 * bandwidth sets: each new token reads every weight matrix once, so tokens/s cannot exceed
 * {@code bandwidth / bytes read per token}. The bound is the machine's: the rate at which all threads stream a
 * 256 MiB heap array (the size of NumPy's 8192 x 8192 F32 {@code W @ x}, the reference the comparison scripts run), or
 * the mapped weights where that is faster ({@code bandwidth_gbs}); both rates are printed ({@code heap_gbs},
 * {@code mapped_gbs}). Full run: LLaMA-7B layer shapes (4096 / 11008 / 32 heads / vocab 32000), 4 layers; quick: a
 * 512-wide model.
 */
public final class DecodeBenchSuite implements BenchSuite {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

    @Override public String name() { return "decode"; }

    @Override public String description() { return "LLaMA-shaped BF16 decoding tokens/s with a KV cache vs the memory-bandwidth bound"; }

    @Override public void run(BenchContext ctx) throws Exception {
        boolean quick = ctx.quick();
        int hidden = quick ? 512 : 4096, ffn = quick ? 1376 : 11008, heads = quick ? 8 : 32, layers = quick ? 2 : 4, vocab = 32000;
        LlamaConfig config = (LlamaConfig) ModelConfigs.parse("""
                {"model_type": "llama", "vocab_size": %d, "hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": %d,
                 "num_attention_heads": %d, "num_key_value_heads": %d, "rms_norm_eps": 1e-5}""".formatted(vocab, hidden, ffn, layers, heads, heads),
                "decode bench config");
        Path dir = SyntheticCheckpoint.scratchDirectory("efuf-decode-bench", quick ? 1L << 28 : 2L << 30);
        try {
            SyntheticCheckpoint.write(config, dir, 1L << 30, 1);
            LlamaForCausalLM lm = PretrainedModels.load(dir, null, org.efuf4j.tensor.Device.CPU, LlamaForCausalLM.class);
            long bytesPerToken = 0;
            for (var e : lm.namedParameters().entrySet())
                if (!e.getKey().equals("model.embed_tokens.weight")) bytesPerToken += e.getValue().value().numel() * e.getValue().value().dtype().byteSize();
            bytesPerToken += (long) hidden * 2; // the one embedding row
            double mapped = streamBandwidth(ctx, lm), heap = heapBandwidth(ctx), bandwidth = Math.max(mapped, heap);
            // the small model needs many steps before C2 has compiled its kernels (each 7B-shaped step is long enough to)
            int prompt = 8, warm = quick ? 60 : 4, steps = quick ? 40 : 24;
            double seconds;
            try (NoGrad scope = NoGrad.enter()) {
                KvCache[] caches = lm.model.newCaches(1, prompt + warm + steps);
                long[] ids = new long[prompt];
                for (int i = 0; i < prompt; i++) ids[i] = 1 + i * 7;
                step(lm, caches, Tensor.ofLongs(ids, 1, prompt));
                for (int i = 0; i < warm; i++) step(lm, caches, Tensor.ofLongs(new long[] {5 + i}, 1, 1));
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) step(lm, caches, Tensor.ofLongs(new long[] {11 + i}, 1, 1));
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            double tokensPerSecond = steps / seconds, bound = bandwidth / bytesPerToken;
            ctx.result("decode", "model", "llama-h" + hidden + "-l" + layers, "dtype", "bf16", "threads", ctx.threads(),
                    "weight_mb", bytesPerToken / 1e6, "tokens_per_s", tokensPerSecond, "weight_gbs", tokensPerSecond * bytesPerToken / 1e9,
                    "bandwidth_gbs", bandwidth / 1e9, "heap_gbs", heap / 1e9, "mapped_gbs", mapped / 1e9,
                    "bound_tokens_per_s", bound, "fraction_of_bound", tokensPerSecond / bound);
        } finally {
            SyntheticCheckpoint.deleteScratch(dir);
        }
    }

    private static void step(LlamaForCausalLM lm, KvCache[] caches, Tensor ids) {
        lm.forward(lm.embed(ids), null, null, caches, false).logits().value().toFloatArray();
    }

    /** Bytes per second of reading every mapped weight once with all threads (median of repeats). */
    private static double streamBandwidth(BenchContext ctx, LlamaForCausalLM lm) {
        java.util.List<MemorySegment> segments = new java.util.ArrayList<>();
        long total = 0;
        for (Parameter p : lm.parameters()) {
            Tensor v = p.value();
            MemorySegment s = ((HostStorage) v.storage()).segment()
                    .asSlice(v.offset() * v.dtype().byteSize(), v.numel() * v.dtype().byteSize());
            segments.add(s);
            total += s.byteSize();
        }
        AtomicLong sink = new AtomicLong();
        double seconds = ctx.time(2.0, () -> {
            for (MemorySegment s : segments) sink.addAndGet(sum(s));
        });
        if (sink.get() == 42) System.out.print("");
        return total / seconds;
    }

    /** Bytes per second of reading a 256 MiB heap array with all threads (median of repeats). */
    private static double heapBandwidth(BenchContext ctx) {
        long[] data = new long[32 << 20];
        java.util.Arrays.fill(data, 1L);
        MemorySegment s = MemorySegment.ofArray(data);
        AtomicLong sink = new AtomicLong();
        double seconds = ctx.time(2.0, () -> sink.addAndGet(sum(s)));
        if (sink.get() == 42) System.out.print("");
        return s.byteSize() / seconds;
    }

    /** Sum of a segment's longs, in parallel chunks of whole vectors (the tail ignored: it is below one vector per chunk). */
    private static long sum(MemorySegment s) {
        int chunks = (int) Math.max(Math.max(1, s.byteSize() >> 30), Math.min(1 << 16, s.byteSize() >> 16));
        long chunkBytes = (s.byteSize() / chunks) & -(long) LONGS.vectorByteSize();
        // chunks of at most 2^31 bytes: the chunk loop below counts in int
        AtomicLong total = new AtomicLong();
        int step = LONGS.vectorByteSize();
        Parallel.forRange(chunks, 1, (start, end) -> {
            LongVector acc = LongVector.zero(LONGS);
            for (int c = start; c < end; c++) {
                // an int-indexed loop over one chunk's slice: C2 then drops the per-load bounds checks, which a loop
                // over long offsets into the whole segment kept
                MemorySegment chunk = s.asSlice(c * chunkBytes, chunkBytes);
                for (int off = 0; off < (int) chunkBytes; off += step)
                    acc = acc.add(LongVector.fromMemorySegment(LONGS, chunk, off, ByteOrder.LITTLE_ENDIAN));
            }
            total.addAndGet(acc.reduceLanes(VectorOperators.ADD));
        });
        return total.get();
    }
}

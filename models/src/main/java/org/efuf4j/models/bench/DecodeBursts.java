package org.efuf4j.models.bench;

import java.nio.file.Path;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.nn.KvCache;
import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.bench.Bursts;

/**
 * Decode-step bursts of the {@code decode} benchmark model (LLaMA-7B layer shapes, 4 layers, BF16, mapped) for
 * {@code scripts/bench/decode_interleaved.py}: first prints {@code weight_bytes=<bytes read per token>}, then serves the
 * {@link Bursts} protocol, one call being one single-token step with the KV cache (the workload words are ignored).
 * Usage: {@code java ... DecodeBursts <threads>}.
 */
public final class DecodeBursts {
    private DecodeBursts() {}

    /** Cache positions per sequence; the cache starts over (after a new prompt) when a burst would overrun it. */
    private static final int POSITIONS = 2048, PROMPT = 8;

    public static void main(String[] args) throws Exception {
        Parallel.setThreads(args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors());
        LlamaConfig config = (LlamaConfig) ModelConfigs.parse("""
                {"model_type": "llama", "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 4,
                 "num_attention_heads": 32, "num_key_value_heads": 32, "rms_norm_eps": 1e-5}""", "decode bursts config");
        Path dir = SyntheticCheckpoint.scratchDirectory("efuf-decode-bursts", 2L << 30);
        try {
            SyntheticCheckpoint.write(config, dir, 1L << 30, 1);
            LlamaForCausalLM lm = PretrainedModels.load(dir, null, org.efuf4j.tensor.Device.CPU, LlamaForCausalLM.class);
            long bytes = (long) config.hiddenSize() * 2; // the one embedding row
            for (var e : lm.namedParameters().entrySet())
                if (!e.getKey().equals("model.embed_tokens.weight")) bytes += e.getValue().value().numel() * e.getValue().value().dtype().byteSize();
            System.out.println("weight_bytes=" + bytes);
            System.out.flush();
            try (NoGrad scope = NoGrad.enter()) {
                Sequence sequence = new Sequence(lm);
                Bursts.serve(words -> sequence::step);
            }
        } finally {
            SyntheticCheckpoint.deleteScratch(dir);
        }
    }

    /** One sequence being decoded token by token; restarts from its prompt when the cache is full. */
    private static final class Sequence {
        private final LlamaForCausalLM lm;
        private KvCache[] caches;
        private int position;

        Sequence(LlamaForCausalLM lm) {
            this.lm = lm;
            restart();
        }

        private void restart() {
            caches = lm.model.newCaches(1, POSITIONS);
            long[] ids = new long[PROMPT];
            for (int i = 0; i < PROMPT; i++) ids[i] = 1 + i * 7;
            run(Tensor.ofLongs(ids, 1, PROMPT));
            position = PROMPT;
        }

        void step() {
            if (position == POSITIONS) restart();
            run(Tensor.ofLongs(new long[] {11 + position % 97}, 1, 1));
            position++;
        }

        private void run(Tensor ids) {
            lm.forward(lm.embed(ids), null, null, caches, false).logits().value().toFloatArray();
        }
    }
}

package org.efuf4j.efuf.pipeline;

import java.nio.file.Path;
import java.util.List;

import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;

/**
 * Perplexity of texts under a causal language model: {@code exp(total NLL / total predicted tokens)} over all
 * texts, each text read from its BOS with every following token predicted. A LLaVA directory contributes its
 * language model (text only).
 */
public final class Perplexity {
    private final LlamaForCausalLM lm;
    private final Tokenizer tokenizer;

    public Perplexity(LlamaForCausalLM lm, Tokenizer tokenizer) {
        this.lm = lm;
        this.tokenizer = tokenizer;
    }

    public static Perplexity load(Path dir, Device device) {
        ModelDirectory.requireDirectory(dir, "perplexity model");
        Module m = PretrainedModels.load(dir, null, device);
        LlamaForCausalLM lm = switch (m) {
            case LlamaForCausalLM l -> l;
            case LlavaForConditionalGeneration l -> l.languageModel;
            default -> throw new IllegalArgumentException(dir + " holds a " + m.getClass().getSimpleName() + ", not a causal language model (LLaMA/Qwen2 or LLaVA)");
        };
        return new Perplexity(lm, ModelDirectory.tokenizer(dir));
    }

    /** NaN when no text has a token to predict. */
    public double of(List<String> texts) {
        double nll = 0;
        long tokens = 0;
        try (NoGrad g = NoGrad.enter()) {
            for (String text : texts) {
                int[] ids = tokenizer.encode(text.strip());
                if (ids.length < 2) continue;
                long[] in = new long[ids.length], targets = new long[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    in[i] = ids[i];
                    targets[i] = i + 1 < ids.length ? ids[i + 1] : Backend.IGNORE_INDEX;
                }
                var logits = lm.forward(Tensor.ofLongs(in, 1, in.length), null).logits();
                nll += Losses.tokenCrossEntropy(logits, Tensor.ofLongs(targets, 1, targets.length), Losses.Reduction.SUM).value().toFloatArray()[0];
                tokens += ids.length - 1;
            }
        }
        return tokens == 0 ? Double.NaN : Math.exp(nll / tokens);
    }
}

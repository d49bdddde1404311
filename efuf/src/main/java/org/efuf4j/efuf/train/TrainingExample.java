package org.efuf4j.efuf.train;

import java.util.Arrays;

import org.efuf4j.efuf.dataset.SubsentenceSplitter;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Backend;
import org.efuf4j.tensor.Tensor;

/**
 * One sample as model input: {@code ids [1, T]} (chat prompt with the image placeholders, context, target) and
 * next-token {@code targets [1, T]} where only the target's tokens (and EOS for whole captions) count.
 */
public record TrainingExample(long[] ids, long[] targets, int targetTokens) {

    /**
     * @param chatText the prompt in the chat template, ending where the answer starts
     * @param appendEos whole captions (Ds) also learn to stop
     */
    public static TrainingExample encode(LlavaConfig config, Tokenizer tokenizer, String chatText, String context, String target, boolean appendEos) {
        // a target opening with its separator (", a dog") joins the context directly; any other is a word after a space
        String clause = target.strip();
        boolean opensWithSeparator = !clause.isEmpty() && SubsentenceSplitter.isBoundary(clause.charAt(0));
        String prefix = chatText + " " + context.strip();
        String full = prefix + (context.isBlank() || opensWithSeparator ? "" : " ") + clause;
        long[] prefixIds = Captioner.promptIds(config, tokenizer, prefix.stripTrailing());
        long[] fullIds = Captioner.promptIds(config, tokenizer, full);
        if (appendEos) {
            int eos = tokenizer.eosId() >= 0 ? tokenizer.eosId() : config.textConfig().eosTokenIds().iterator().next();
            fullIds = Arrays.copyOf(fullIds, fullIds.length + 1);
            fullIds[fullIds.length - 1] = eos;
        }
        // The target's tokens are those after the longest common prefix; a merge across the boundary only moves it earlier.
        int common = 0;
        while (common < prefixIds.length && common < fullIds.length && prefixIds[common] == fullIds[common]) common++;
        if (common >= fullIds.length) throw new IllegalArgumentException("target \"" + target + "\" adds no tokens to its prompt");
        long[] targets = new long[fullIds.length];
        Arrays.fill(targets, Backend.IGNORE_INDEX);
        // logits at t predict token t+1
        for (int t = Math.max(common, 1); t < fullIds.length; t++) targets[t - 1] = fullIds[t];
        return new TrainingExample(fullIds, targets, fullIds.length - Math.max(common, 1));
    }

    public Tensor idsTensor() { return Tensor.ofLongs(ids, 1, ids.length); }

    public Tensor targetsTensor() { return Tensor.ofLongs(targets, 1, targets.length); }
}

package org.efuf4j.models.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.Shaping;
import org.efuf4j.autograd.Variable;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.tensor.Tensor;

/** Autoregressive generation for LLaMA-family models and LLaVA: greedy, sampling, beam search; with or without a KV cache. */
public final class Generator {
    private Generator() {}

    /** Continues each row of {@code ids [B, T]} (all prompts the same length). */
    public static GenerationResult generate(LlamaForCausalLM lm, Tensor ids, GenerationConfig config) {
        return generate(lm, ids, null, config);
    }

    /**
     * Continues each row of {@code ids [B, T]}; prompts of different lengths are left-padded, with
     * {@code attentionMask [B, T]} 0 on the padding (as Hugging Face's tokenizers pad for generation), or null.
     */
    public static GenerationResult generate(LlamaForCausalLM lm, Tensor ids, Tensor attentionMask, GenerationConfig config) {
        try (NoGrad scope = NoGrad.enter()) {
            return run(lm, lm.embed(ids), ids.toHost(), attentionMask, config);
        }
    }

    /** LLaVA: the prompt's image placeholders take the features of {@code pixels} (one image per prompt row, or null). */
    public static GenerationResult generate(LlavaForConditionalGeneration llava, Tensor ids, Tensor pixels, GenerationConfig config) {
        return generate(llava, ids, null, pixels, config);
    }

    /** LLaVA with left-padded prompts ({@code attentionMask} as for the language model, or null). */
    public static GenerationResult generate(LlavaForConditionalGeneration llava, Tensor ids, Tensor attentionMask, Tensor pixels, GenerationConfig config) {
        try (NoGrad scope = NoGrad.enter()) {
            Variable embeds = llava.mergeImageFeatures(ids, pixels == null ? null : llava.imageFeatures(pixels));
            return run(llava.languageModel, embeds, ids.toHost(), attentionMask, config);
        }
    }

    private static GenerationResult run(LlamaForCausalLM lm, Variable embeds, Tensor ids, Tensor attentionMask, GenerationConfig config) {
        int batch = ids.dim(0), promptLength = ids.dim(1);
        long[][] prompts = new long[batch][promptLength];
        for (int b = 0; b < batch; b++) for (int t = 0; t < promptLength; t++) prompts[b][t] = ids.getLong(b, t);
        long[][] mask = promptMask(attentionMask, batch, promptLength);
        if (config.decoding() instanceof Decoding.BeamSearch beam) {
            List<long[]> sequences = new ArrayList<>();
            List<List<float[]>> none = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                sequences.add(beamSearch(lm, embeds.slice(0, b, b + 1), prompts[b], mask == null ? null : mask[b], beam, config));
                none.add(List.of());
            }
            return new GenerationResult(sequences, none, promptLength);
        }
        return sampleOrGreedy(lm, embeds, prompts, mask, config);
    }

    /** The mask as rows, or null when it is absent or all ones; padding must be on the left. */
    private static long[][] promptMask(Tensor attentionMask, int batch, int length) {
        if (attentionMask == null) return null;
        if (attentionMask.rank() != 2 || attentionMask.dim(0) != batch || attentionMask.dim(1) != length)
            throw new IllegalArgumentException("attention_mask must be [" + batch + ", " + length + "] like input_ids, got "
                    + org.efuf4j.tensor.Shapes.str(attentionMask.shape()));
        long[][] rows = new long[batch][length];
        boolean padded = false;
        Tensor host = attentionMask.toHost();
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < length; t++) {
                rows[b][t] = host.getLong(b, t) != 0 ? 1 : 0;
                if (rows[b][t] == 0) {
                    padded = true;
                    if (t > 0 && rows[b][t - 1] == 1)
                        throw new IllegalArgumentException("attention_mask row " + b + " has padding after a token at position " + t
                                + "; generation needs left padding");
                }
            }
        return padded ? rows : null;
    }

    private static GenerationResult sampleOrGreedy(LlamaForCausalLM lm, Variable embeds, long[][] prompts, long[][] mask, GenerationConfig config) {
        int batch = prompts.length;
        SplittableRandom random = config.decoding() instanceof Decoding.Sampling s ? new SplittableRandom(s.seed()) : null;
        List<List<Long>> generated = new ArrayList<>();
        List<List<float[]>> stepLogits = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            generated.add(new ArrayList<>());
            stepLogits.add(new ArrayList<>());
        }
        boolean[] finished = new boolean[batch];
        int open = batch;
        if (config.maxNewTokens() > 0) {
            StepDecoder decoder = new StepDecoder(lm, embeds, mask, config.maxNewTokens(), config.useCache());
            float[][] logits = decoder.prefill();
            for (int step = 0; step < config.maxNewTokens() && open > 0; step++) {
                long[] next = new long[batch];
                for (int b = 0; b < batch; b++) {
                    if (finished[b]) continue;
                    int token = switch (config.decoding()) {
                        case Decoding.Sampling s -> TokenChoice.sample(logits[b], s.temperature(), s.topP(), random);
                        default -> TokenChoice.argmax(logits[b]);
                    };
                    next[b] = token;
                    generated.get(b).add((long) token);
                    stepLogits.get(b).add(logits[b]);
                    if (config.stopTokens().contains(token)) {
                        finished[b] = true;
                        open--;
                    }
                }
                if (open > 0 && step + 1 < config.maxNewTokens()) logits = decoder.next(next, null);
            }
        }
        List<long[]> sequences = new ArrayList<>();
        for (int b = 0; b < batch; b++) sequences.add(concat(prompts[b], generated.get(b)));
        return new GenerationResult(sequences, stepLogits, prompts[0].length);
    }

    /** HF {@code _beam_search} with {@code early_stopping=False} for one prompt ({@code embeds [1, T, D]}). */
    private static long[] beamSearch(LlamaForCausalLM lm, Variable embeds, long[] prompt, long[] promptMask, Decoding.BeamSearch beam, GenerationConfig config) {
        int nb = beam.numBeams();
        if (config.maxNewTokens() == 0) return prompt;
        Variable[] copies = new Variable[nb];
        Arrays.fill(copies, embeds);
        long[][] masks = null;
        if (promptMask != null) {
            masks = new long[nb][];
            for (int r = 0; r < nb; r++) masks[r] = promptMask.clone();
        }
        StepDecoder decoder = new StepDecoder(lm, nb == 1 ? embeds : Shaping.concat(0, copies), masks, config.maxNewTokens(), config.useCache());
        float[][] logits = decoder.prefill();
        double[] beamScores = new double[nb];
        // Only the first beam is live at the start, so the first step does not pick the same token nb times.
        Arrays.fill(beamScores, 1, nb, -1e9);
        long[][] beamTokens = new long[nb][0];
        BeamHypotheses hyps = new BeamHypotheses(nb, beam.lengthPenalty());
        int candidates = Math.max(2, 1 + config.stopTokens().size()) * nb;
        boolean done = false;
        for (int step = 0; step < config.maxNewTokens() && !done; step++) {
            int vocab = logits[0].length;
            double[] scores = new double[nb * vocab];
            for (int r = 0; r < nb; r++) {
                double lse = logSumExp(logits[r]);
                for (int v = 0; v < vocab; v++) scores[r * vocab + v] = logits[r][v] - lse + beamScores[r];
            }
            int[] top = topK(scores, Math.min(candidates, scores.length));
            int[] source = new int[nb];
            long[] tokens = new long[nb];
            double[] nextScores = new double[nb];
            int filled = 0;
            for (int rank = 0; rank < top.length && filled < nb; rank++) {
                int row = top[rank] / vocab, token = top[rank] % vocab;
                if (config.stopTokens().contains(token)) {
                    if (rank >= nb) continue;
                    hyps.add(beamTokens[row], scores[top[rank]], step + 1, token);
                } else {
                    source[filled] = row;
                    tokens[filled] = token;
                    nextScores[filled++] = scores[top[rank]];
                }
            }
            long[][] reordered = new long[nb][];
            for (int r = 0; r < nb; r++) {
                reordered[r] = Arrays.copyOf(beamTokens[source[r]], step + 1);
                reordered[r][step] = tokens[r];
            }
            beamTokens = reordered;
            beamScores = nextScores;
            done = hyps.isDone(scores[top[0]], step + 1);
            if (!done && step + 1 < config.maxNewTokens()) logits = decoder.next(tokens, source);
        }
        if (!done) for (int r = 0; r < nb; r++) hyps.add(beamTokens[r], beamScores[r], beamTokens[r].length, -1);
        BeamHypotheses.Hypothesis best = hyps.best();
        long[] out = Arrays.copyOf(prompt, prompt.length + best.tokens().length + (best.stopToken() >= 0 ? 1 : 0));
        System.arraycopy(best.tokens(), 0, out, prompt.length, best.tokens().length);
        if (best.stopToken() >= 0) out[out.length - 1] = best.stopToken();
        return out;
    }

    private static double logSumExp(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) max = Math.max(max, v);
        double sum = 0;
        for (float v : x) sum += Math.exp(v - max);
        return max + Math.log(sum);
    }

    /** Indices of the k largest values, best first (lower index first on ties). */
    static int[] topK(double[] values, int k) {
        int[] best = new int[k];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (n == k && values[i] <= values[best[k - 1]]) continue;
            int pos = n < k ? n++ : k - 1;
            while (pos > 0 && values[best[pos - 1]] < values[i]) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
        }
        return best;
    }

    private static long[] concat(long[] prompt, List<Long> tail) {
        long[] out = Arrays.copyOf(prompt, prompt.length + tail.size());
        for (int i = 0; i < tail.size(); i++) out[prompt.length + i] = tail.get(i);
        return out;
    }
}

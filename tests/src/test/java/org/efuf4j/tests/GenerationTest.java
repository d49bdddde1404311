package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.GenerationResult;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;

/** Decoding strategies on the Qwen2 fixture (GQA, tied embeddings, q/k/v biases; vocab 64). */
class GenerationTest {
    static final LlamaForCausalLM LM = PretrainedModels.load(HfForwardCommandTest.extra("qwen2"), null, Device.CPU, LlamaForCausalLM.class);
    static final Tensor PROMPTS = SafetensorsFile.open(HfForwardCommandTest.extra("qwen2").resolve("generate.safetensors")).tensor("prompt_ids");

    static Tensor row(int b) { return Tensor.ofLongs(Arrays.copyOfRange(PROMPTS.toLongArray(), b * PROMPTS.dim(1), (b + 1) * PROMPTS.dim(1)), 1, PROMPTS.dim(1)); }

    /** Sum of log-probabilities of {@code tokens} following the prompt, by full forward passes. */
    static double logProb(Tensor prompt, long[] tokens) {
        try (NoGrad s = NoGrad.enter()) {
            long[] p = prompt.toLongArray();
            long[] seq = Arrays.copyOf(p, p.length + tokens.length);
            System.arraycopy(tokens, 0, seq, p.length, tokens.length);
            float[] logits = LM.forward(Tensor.ofLongs(seq, 1, seq.length), null).logits().value().toFloatArray();
            int v = LM.config().vocabSize();
            double total = 0;
            for (int i = 0; i < tokens.length; i++) {
                int pos = p.length - 1 + i;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < v; j++) max = Math.max(max, logits[pos * v + j]);
                for (int j = 0; j < v; j++) sum += Math.exp(logits[pos * v + j] - max);
                total += logits[pos * v + (int) tokens[i]] - max - Math.log(sum);
            }
            return total;
        }
    }

    /** With as many beams as tokens, two steps of beam search are exhaustive: it must find the best pair. */
    @Test
    void beamSearchIsExhaustiveForTwoStepsWithVocabBeams() {
        Tensor prompt = row(0);
        int v = LM.config().vocabSize();
        double best = Double.NEGATIVE_INFINITY;
        long[] bestPair = null;
        try (NoGrad s = NoGrad.enter()) {
            // All 64 one-token continuations in one batch: logits at the last two positions give every pair's score.
            long[] p = prompt.toLongArray();
            long[] batch = new long[v * (p.length + 1)];
            for (int t = 0; t < v; t++) {
                System.arraycopy(p, 0, batch, t * (p.length + 1), p.length);
                batch[t * (p.length + 1) + p.length] = t;
            }
            float[] logits = LM.forward(Tensor.ofLongs(batch, v, p.length + 1), null).logits().value().toFloatArray();
            for (int t = 0; t < v; t++) {
                double first = logSoftmaxAt(logits, (t * (p.length + 1) + p.length - 1) * v, v, t);
                for (int u = 0; u < v; u++) {
                    double score = first + logSoftmaxAt(logits, (t * (p.length + 1) + p.length) * v, v, u);
                    if (score > best) { best = score; bestPair = new long[] {t, u}; }
                }
            }
        }
        GenerationConfig beams = new GenerationConfig(2, Set.of(), new Decoding.BeamSearch(v, 1.0), true);
        assertArrayEquals(bestPair, Generator.generate(LM, prompt, beams).newTokens(0));
        assertEquals(best, logProb(prompt, bestPair), 1e-4);
    }

    static double logSoftmaxAt(float[] logits, int offset, int v, int index) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < v; j++) max = Math.max(max, logits[offset + j]);
        for (int j = 0; j < v; j++) sum += Math.exp(logits[offset + j] - max);
        return logits[offset + index] - max - Math.log(sum);
    }

    @Test
    void oneBeamIsGreedyAndBeamsDoNotScoreWorse() {
        for (int b = 0; b < PROMPTS.dim(0); b++) {
            Tensor prompt = row(b);
            long[] greedy = Generator.generate(LM, prompt, GenerationConfig.greedy(6, Set.of())).newTokens(0);
            long[] oneBeam = Generator.generate(LM, prompt, new GenerationConfig(6, Set.of(), new Decoding.BeamSearch(1, 1.0), true)).newTokens(0);
            assertArrayEquals(greedy, oneBeam);
            long[] four = Generator.generate(LM, prompt, new GenerationConfig(6, Set.of(), new Decoding.BeamSearch(4, 1.0), true)).newTokens(0);
            assertTrue(logProb(prompt, four) >= logProb(prompt, greedy) - 1e-5);
        }
    }

    /** The cache must be reordered with the beams; re-running whole sequences is the reference. */
    @Test
    void cachedAndUncachedDecodingAgreeForEveryStrategy() {
        for (Decoding d : new Decoding[] {Decoding.GREEDY, new Decoding.Sampling(0.9, 0.8, 42), new Decoding.BeamSearch(3, 0.7)}) {
            GenerationConfig c = new GenerationConfig(7, Set.of(5), d, true);
            GenerationResult cached = Generator.generate(LM, PROMPTS, c), uncached = Generator.generate(LM, PROMPTS, c.withCache(false));
            for (int b = 0; b < PROMPTS.dim(0); b++) assertArrayEquals(uncached.sequences().get(b), cached.sequences().get(b), d.toString());
        }
    }

    /** Prompts of different lengths, left-padded with a mask, continue exactly as each prompt alone (HF positions: cumsum - 1). */
    @Test
    void leftPaddedBatchContinuesLikeEachPromptAlone() {
        long[] p0 = row(0).toLongArray(), p1 = Arrays.copyOfRange(row(1).toLongArray(), 2, PROMPTS.dim(1));
        int t = p0.length;
        long[] ids = new long[2 * t], mask = new long[2 * t];
        System.arraycopy(p0, 0, ids, 0, t);
        System.arraycopy(p1, 0, ids, t + (t - p1.length), p1.length);
        for (int i = 0; i < t; i++) {
            mask[i] = 1;
            mask[t + i] = i >= t - p1.length ? 1 : 0;
        }
        Tensor batch = Tensor.ofLongs(ids, 2, t), batchMask = Tensor.ofLongs(mask, 2, t);
        for (Decoding d : new Decoding[] {Decoding.GREEDY, new Decoding.BeamSearch(3, 1.0)}) {
            for (boolean cache : new boolean[] {true, false}) {
                GenerationConfig c = new GenerationConfig(5, Set.of(), d, cache);
                GenerationResult padded = Generator.generate(LM, batch, batchMask, c);
                assertArrayEquals(Generator.generate(LM, Tensor.ofLongs(p0, 1, t), c).newTokens(0), padded.newTokens(0), d + " cache " + cache);
                assertArrayEquals(Generator.generate(LM, Tensor.ofLongs(p1, 1, p1.length), c).newTokens(0), padded.newTokens(1), d + " cache " + cache);
            }
        }
    }

    @Test
    void samplingIsSeededAndTinyTopPIsGreedy() {
        GenerationConfig s1 = new GenerationConfig(8, Set.of(), new Decoding.Sampling(1.5, 1.0, 7), true);
        GenerationResult a = Generator.generate(LM, PROMPTS, s1), b = Generator.generate(LM, PROMPTS, s1);
        GenerationResult other = Generator.generate(LM, PROMPTS, new GenerationConfig(8, Set.of(), new Decoding.Sampling(1.5, 1.0, 8), true));
        GenerationResult greedy = Generator.generate(LM, PROMPTS, GenerationConfig.greedy(8, Set.of()));
        GenerationResult nucleus = Generator.generate(LM, PROMPTS, new GenerationConfig(8, Set.of(), new Decoding.Sampling(1.0, 1e-6, 7), true));
        boolean differs = false;
        for (int r = 0; r < PROMPTS.dim(0); r++) {
            assertArrayEquals(a.sequences().get(r), b.sequences().get(r));
            assertArrayEquals(greedy.sequences().get(r), nucleus.sequences().get(r));
            differs |= !Arrays.equals(a.sequences().get(r), other.sequences().get(r));
            differs |= !Arrays.equals(a.sequences().get(r), greedy.sequences().get(r));
        }
        assertTrue(differs, "temperature-1.5 sampling with two seeds gave the greedy tokens for every row");
    }

    @Test
    void stopTokenEndsOnlyItsRowAndMaxNewTokensBounds() {
        GenerationResult free = Generator.generate(LM, PROMPTS, GenerationConfig.greedy(6, Set.of()));
        long[] row0 = free.newTokens(0), row1 = free.newTokens(1);
        int stop = (int) row0[2];
        int firstInRow1 = -1;
        for (int i = 0; i < row1.length && firstInRow1 < 0; i++) if (row1[i] == stop) firstInRow1 = i;
        GenerationResult stopped = Generator.generate(LM, PROMPTS, GenerationConfig.greedy(6, Set.of(stop)));
        int end0 = 0;
        while (row0[end0] != stop) end0++;
        assertArrayEquals(Arrays.copyOf(row0, end0 + 1), stopped.newTokens(0));
        assertArrayEquals(firstInRow1 < 0 ? row1 : Arrays.copyOf(row1, firstInRow1 + 1), stopped.newTokens(1));
        assertEquals(6, free.newTokens(0).length);
        assertFalse(stopped.stepLogits().get(0).size() > end0 + 1);
    }
}

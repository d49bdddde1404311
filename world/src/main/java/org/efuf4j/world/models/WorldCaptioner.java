package org.efuf4j.world.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.Variable;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.GenerationResult;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.ImagePreprocessors;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.world.WorldImage;

/** A saved captioner directory, loaded as any HF LLaVA directory is, describing world images in batches. */
public final class WorldCaptioner {
    private static final int BATCH = 16;

    private final LlavaForConditionalGeneration model;
    private final Tokenizer tokenizer;
    private final ImagePreprocessor processor;

    private WorldCaptioner(LlavaForConditionalGeneration model, Tokenizer tokenizer, ImagePreprocessor processor) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.processor = processor;
    }

    /** A captioner still in training, read as a saved one would be (its checkpoints are measured this way). */
    static WorldCaptioner of(LlavaForConditionalGeneration model, Tokenizer tokenizer, ImagePreprocessor processor) {
        return new WorldCaptioner(model, tokenizer, processor);
    }

    public static WorldCaptioner load(Path dir) {
        try {
            return new WorldCaptioner(PretrainedModels.load(dir, null, Device.CPU, LlavaForConditionalGeneration.class),
                    Tokenizers.load(dir), ImagePreprocessors.load(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot load the captioner's tokenizer: " + e.getMessage(), e);
        }
    }

    public LlavaForConditionalGeneration model() { return model; }

    public Tokenizer tokenizer() { return tokenizer; }

    /** Greedy decoding, or sampling when {@code decoding} says so; stops at {@code </s>}. */
    public GenerationConfig generation(int maxNewTokens, Decoding decoding) {
        Set<Integer> stop = new HashSet<>(model.config().textConfig().eosTokenIds());
        if (tokenizer.eosId() >= 0) stop.add(tokenizer.eosId());
        return new GenerationConfig(maxNewTokens, stop, decoding, true);
    }

    /** One answer per image to the same prompt. */
    public List<String> answer(List<WorldImage> images, String prompt, GenerationConfig generation) {
        long[] promptIds = CaptionPrompt.ids(model.config(), tokenizer, prompt);
        List<String> out = new ArrayList<>(images.size());
        for (int start = 0; start < images.size(); start += BATCH) {
            List<WorldImage> chunk = images.subList(start, Math.min(images.size(), start + BATCH));
            long[] ids = new long[chunk.size() * promptIds.length];
            for (int b = 0; b < chunk.size(); b++) System.arraycopy(promptIds, 0, ids, b * promptIds.length, promptIds.length);
            GenerationResult r = Generator.generate(model, Tensor.ofLongs(ids, chunk.size(), promptIds.length),
                    WorldPixels.batch(chunk, processor), generation);
            for (int b = 0; b < chunk.size(); b++) {
                long[] generated = r.newTokens(b);
                int[] tokens = new int[generated.length];
                for (int i = 0; i < tokens.length; i++) tokens[i] = (int) generated[i];
                out.add(tokenizer.decode(tokens).strip());
            }
        }
        return out;
    }

    /**
     * One answer per (image, prompt) pair, in order; pairs that share a prompt are decoded together in batches, so a
     * POPE split (one question text per object) costs a batch per object, not a pass per question.
     */
    public List<String> answer(List<WorldImage> images, List<String> prompts, GenerationConfig generation) {
        if (images.size() != prompts.size())
            throw new IllegalArgumentException(images.size() + " images but " + prompts.size() + " prompts");
        java.util.Map<String, List<Integer>> byPrompt = new java.util.TreeMap<>();
        for (int i = 0; i < prompts.size(); i++) byPrompt.computeIfAbsent(prompts.get(i), k -> new ArrayList<>()).add(i);
        String[] out = new String[images.size()];
        byPrompt.forEach((prompt, indices) -> {
            List<WorldImage> group = new ArrayList<>(indices.size());
            for (int i : indices) group.add(images.get(i));
            List<String> answers = answer(group, prompt, generation);
            for (int k = 0; k < indices.size(); k++) out[indices.get(k)] = answers.get(k);
        });
        return List.of(out);
    }

    /**
     * The captioner's own visual evidence: the projected image features (what the decoder reads), averaged over the
     * image rows, {@code [images][textHidden]}.
     */
    public float[][] visualFeatures(List<WorldImage> images) {
        float[][] out = new float[images.size()][];
        try (NoGrad scope = NoGrad.enter()) {
            for (int start = 0; start < images.size(); start += BATCH) {
                List<WorldImage> chunk = images.subList(start, Math.min(images.size(), start + BATCH));
                Variable features = model.imageFeatures(WorldPixels.batch(chunk, processor));
                int rows = features.dim(1), d = features.dim(2);
                float[] flat = features.value().toFloatArray();
                for (int b = 0; b < chunk.size(); b++) {
                    float[] mean = new float[d];
                    for (int r = 0; r < rows; r++) for (int k = 0; k < d; k++) mean[k] += flat[(b * rows + r) * d + k];
                    for (int k = 0; k < d; k++) mean[k] /= rows;
                    out[start + b] = mean;
                }
            }
        }
        return out;
    }
}

package org.efuf4j.efuf.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.clip.ClipOutput;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;

/**
 * S(o) over the whole image with a Hugging Face CLIPModel: 100 x cosine of the image embedding and the embedding
 * of {@code "A photo containing {o}."}. The windowed scorings of the paper and the authors' code live in the
 * {@code clip} module's {@code ClipScorer}; this is the plain whole-image variant.
 */
public final class WholeImageClipScorer implements ObjectScorer {
    public static final String TEXT_TEMPLATE = "A photo containing %s.";

    private final ClipModel clip;
    private final Tokenizer tokenizer;
    private final ImagePreprocessor preprocessor;

    public WholeImageClipScorer(ClipModel clip, Tokenizer tokenizer, ImagePreprocessor preprocessor) {
        this.clip = clip;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
    }

    public static WholeImageClipScorer load(Path dir, Device device) {
        ModelDirectory.requireDirectory(dir, "CLIP model");
        ClipModel clip = PretrainedModels.load(dir, null, device, ClipModel.class);
        return new WholeImageClipScorer(clip, ModelDirectory.tokenizer(dir), ModelDirectory.imagePreprocessor(dir, clip.config().visionConfig()));
    }

    @Override public float[] score(RgbImage image, List<String> objects) {
        if (objects.isEmpty()) return new float[0];
        List<String> texts = new ArrayList<>(objects.size());
        for (String o : objects) texts.add(TEXT_TEMPLATE.formatted(o));
        Tensor t = preprocessor.preprocess(image);
        return scores(clip, tokenizer, t.reshape(1, t.dim(0), t.dim(1), t.dim(2)), texts);
    }

    /** 100 x cosine of each text's embedding with the image's ({@code pixels [1, 3, S, S]}). */
    public static float[] scores(ClipModel clip, Tokenizer tokenizer, Tensor pixels, List<String> texts) {
        int max = clip.config().textConfig().maxPositionEmbeddings();
        List<int[]> encoded = new ArrayList<>();
        int longest = 0;
        for (String text : texts) {
            int[] ids = tokenizer.encode(text);
            if (ids.length > max) throw new IllegalArgumentException("text \"" + text + "\" is " + ids.length + " tokens; the CLIP text tower takes " + max);
            encoded.add(ids);
            longest = Math.max(longest, ids.length);
        }
        // Pad to the longest text; padding keys are masked, pooling reads each text's own end-of-text position.
        long[] ids = new long[texts.size() * longest], mask = new long[ids.length];
        Arrays.fill(ids, clip.config().textConfig().padTokenId());
        for (int t = 0; t < encoded.size(); t++)
            for (int i = 0; i < encoded.get(t).length; i++) {
                ids[t * longest + i] = encoded.get(t)[i];
                mask[t * longest + i] = 1;
            }
        try (NoGrad scope = NoGrad.enter()) {
            ClipOutput o = clip.forward(Tensor.ofLongs(ids, texts.size(), longest), Tensor.ofLongs(mask, texts.size(), longest), pixels);
            float[] text = o.textEmbeds().value().toFloatArray(), img = o.imageEmbeds().value().toFloatArray();
            int e = img.length;
            float[] scores = new float[texts.size()];
            for (int t = 0; t < scores.length; t++) {
                double dot = 0;
                for (int k = 0; k < e; k++) dot += text[t * e + k] * img[k];
                scores[t] = (float) (100 * dot);
            }
            return scores;
        }
    }
}

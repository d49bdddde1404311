package org.efuf4j.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.models.image.ImagePreprocessors;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;

/**
 * EFUF's image relevance score S(o): {@code 100 x cosine(image embedding, text embedding of the template with o)}.
 *
 * <p>This is the paper's score. It equals CLIP's {@code logits_per_image} only when {@code exp(logit_scale)} is 100,
 * as in the released OpenAI checkpoints (logit_scale = ln 100 after clamping); a model trained here has its own learned
 * scale, so logits would shift with it while this score stays on the fixed cosine x 100 scale the thresholds use.
 *
 * <p>Images are cut into crops by {@link ScoringOptions} (whole image, sliding windows); every crop goes through the
 * model's normal preprocessing and all crops of a call are encoded together in batches. Text embeddings are cached
 * per prompt, so an object seen before costs nothing. Inference runs without recording gradients. Safe to share
 * between threads.
 */
public final class ClipScorer {
    /** Crops encoded per forward pass of the vision tower. */
    public static final int DEFAULT_IMAGE_BATCH = 32;

    private final ClipModel model;
    private final Tokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final ScoringOptions options;
    private final Map<String, float[]> textCache;
    private final AtomicLong textsEncoded;
    private final int imageBatch;

    public ClipScorer(ClipModel model, Tokenizer tokenizer, ImagePreprocessor preprocessor, ScoringOptions options) {
        this(model, tokenizer, preprocessor, options, new ConcurrentHashMap<>(), new AtomicLong(), DEFAULT_IMAGE_BATCH);
    }

    private ClipScorer(ClipModel model, Tokenizer tokenizer, ImagePreprocessor preprocessor, ScoringOptions options,
                       Map<String, float[]> textCache, AtomicLong textsEncoded, int imageBatch) {
        if (model == null || tokenizer == null || preprocessor == null || options == null)
            throw new IllegalArgumentException("model, tokenizer, preprocessor and options must all be given");
        int towerSize = model.config().visionConfig().imageSize();
        if (preprocessor.imageSize() != towerSize)
            throw new IllegalArgumentException("the image preprocessor crops to " + preprocessor.imageSize()
                    + " pixels, but the vision tower reads " + towerSize);
        if (imageBatch <= 0) throw new IllegalArgumentException("image batch must be positive, got " + imageBatch);
        TextBatch.checkCompatible(tokenizer, model.config().textConfig());
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
        this.options = options;
        this.textCache = textCache;
        this.textsEncoded = textsEncoded;
        this.imageBatch = imageBatch;
    }

    /**
     * A Hugging Face CLIPModel directory: {@code config.json}, safetensors weights, tokenizer files and
     * {@code preprocessor_config.json} (CLIP's standard processing at the tower's size when absent).
     */
    public static ClipScorer load(Path modelDir, ScoringOptions options) { return load(modelDir, options, Device.CPU); }

    public static ClipScorer load(Path modelDir, ScoringOptions options, Device device) {
        ClipModel model = PretrainedModels.load(modelDir, null, device, ClipModel.class);
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizers.load(modelDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        ImagePreprocessor preprocessor = Files.isRegularFile(modelDir.resolve(ImagePreprocessors.FILE_NAME))
                ? ImagePreprocessors.load(modelDir) : ClipImageProcessor.clip(model.config().visionConfig().imageSize());
        return new ClipScorer(model, tokenizer, preprocessor, options);
    }

    /** The same model and text cache under other options (the cache is keyed by prompt, so templates may differ). */
    public ClipScorer withOptions(ScoringOptions other) {
        return new ClipScorer(model, tokenizer, preprocessor, other, textCache, textsEncoded, imageBatch);
    }

    /** The same model and text cache, encoding {@code crops} images per vision forward pass. */
    public ClipScorer withImageBatch(int crops) {
        return new ClipScorer(model, tokenizer, preprocessor, options, textCache, textsEncoded, crops);
    }

    public ScoringOptions options() { return options; }

    public ClipModel model() { return model; }

    public Tokenizer tokenizer() { return tokenizer; }

    public ImagePreprocessor preprocessor() { return preprocessor; }

    /** S(o) for each object, in order. */
    public float[] score(RgbImage image, List<String> objects) {
        return scoreAll(List.of(image), List.of(objects)).getFirst();
    }

    /** S(o) for each image's objects; the crops of all images are encoded together (none for an image without objects). */
    public List<float[]> scoreAll(List<RgbImage> images, List<List<String>> objects) {
        if (images.size() != objects.size())
            throw new IllegalArgumentException(images.size() + " images but " + objects.size() + " object lists");
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(objects.stream().flatMap(List::stream).toList()));
        Map<String, float[]> texts = textEmbeddings(distinct);

        List<WindowGrid> grids = new ArrayList<>(images.size());
        int[] firstCrop = new int[images.size() + 1];
        for (int i = 0; i < images.size(); i++) {
            RgbImage image = images.get(i);
            WindowGrid grid = options.mode() == ScoringMode.WHOLE_IMAGE ? null
                    : WindowGrid.over(image.width(), image.height(), options.cellSize(), options.windowCells());
            grids.add(grid);
            int crops = objects.get(i).isEmpty() ? 0 : grid == null ? 1 : grid.windowCount();
            firstCrop[i + 1] = firstCrop[i] + crops;
        }
        float[][] cropEmbeds = imageEmbeddings(lazyCrops(images, grids, firstCrop));

        List<float[]> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            List<String> objs = objects.get(i);
            float[] scores = new float[objs.size()];
            float[] windowScores = new float[firstCrop[i + 1] - firstCrop[i]];
            for (int o = 0; o < scores.length; o++) {
                float[] text = texts.get(objs.get(o));
                for (int c = 0; c < windowScores.length; c++) windowScores[c] = cosineTimes100(cropEmbeds[firstCrop[i] + c], text);
                scores[o] = combine(grids.get(i), windowScores);
            }
            out.add(scores);
        }
        return out;
    }

    /**
     * All images' crops in order, each cut only when its batch is encoded: a COCO image in the paper's mode has some
     * 70 crops, so materialising every crop of a large call up front would hold gigabytes of pixels.
     */
    private static List<RgbImage> lazyCrops(List<RgbImage> images, List<WindowGrid> grids, int[] firstCrop) {
        int[] owner = new int[firstCrop[images.size()]];
        for (int i = 0; i < images.size(); i++) Arrays.fill(owner, firstCrop[i], firstCrop[i + 1], i);
        return new AbstractList<>() {
            @Override public RgbImage get(int crop) {
                int i = owner[crop];
                WindowGrid g = grids.get(i);
                if (g == null) return images.get(i);
                int w = crop - firstCrop[i];
                return images.get(i).crop(g.windowLeft(w), g.windowTop(w), g.windowSize(), g.windowSize());
            }

            @Override public int size() { return owner.length; }
        };
    }

    private float combine(WindowGrid grid, float[] windowScores) {
        if (grid == null) return windowScores[0];
        return switch (options.mode()) {
            case WHOLE_IMAGE -> windowScores[0];
            case SLIDING_WINDOW_MAX -> WindowGrid.max(windowScores);
            case TOP_K_CELLS -> WindowGrid.meanTopK(grid.cellScores(windowScores), options.topK());
        };
    }

    static float cosineTimes100(float[] unitA, float[] unitB) {
        double dot = 0;
        for (int k = 0; k < unitA.length; k++) dot += (double) unitA[k] * unitB[k];
        return (float) (100 * dot);
    }

    /** The unit-length embedding of {@code object}'s prompt, from the cache when seen before. */
    public float[] textEmbedding(String object) { return textEmbeddings(List.of(object)).get(object).clone(); }

    /** Unit-length embeddings of the objects' prompts; uncached prompts are encoded in one batch. */
    private Map<String, float[]> textEmbeddings(List<String> objects) {
        Map<String, float[]> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String object : objects) {
            float[] cached = textCache.get(options.prompt(object));
            if (cached != null) out.put(object, cached);
            else missing.add(object);
        }
        if (!missing.isEmpty()) {
            List<String> prompts = missing.stream().map(options::prompt).toList();
            float[][] embeds = encodeTexts(prompts);
            for (int i = 0; i < missing.size(); i++) {
                // Another thread may have cached the same prompt meanwhile: keep the first so callers agree.
                float[] prior = textCache.putIfAbsent(prompts.get(i), embeds[i]);
                out.put(missing.get(i), prior != null ? prior : embeds[i]);
            }
        }
        return out;
    }

    private float[][] encodeTexts(List<String> prompts) {
        TextBatch batch = TextBatch.encode(tokenizer, prompts, model.config().textConfig().maxPositionEmbeddings());
        textsEncoded.addAndGet(prompts.size());
        try (NoGrad scope = NoGrad.enter()) {
            return rows(model.textEmbeds(model.textModel.forward(batch.ids(), batch.mask())).value());
        }
    }

    /** Unit-length embeddings of whole images (each preprocessed as the model expects), encoded in batches. */
    public float[][] imageEmbeddings(List<RgbImage> images) {
        float[][] out = new float[images.size()][];
        for (int start = 0; start < images.size(); start += imageBatch) {
            int end = Math.min(images.size(), start + imageBatch);
            Tensor pixels = Pixels.batch(preprocessor, images.subList(start, end));
            float[][] embeds;
            try (NoGrad scope = NoGrad.enter()) {
                embeds = rows(model.imageEmbeds(model.visionModel.forward(pixels)).value());
            }
            System.arraycopy(embeds, 0, out, start, embeds.length);
        }
        return out;
    }

    private static float[][] rows(Tensor matrix) {
        float[] flat = matrix.toFloatArray();
        int n = matrix.dim(0), e = matrix.dim(1);
        float[][] rows = new float[n][];
        for (int r = 0; r < n; r++) rows[r] = Arrays.copyOfRange(flat, r * e, (r + 1) * e);
        return rows;
    }

    /** Prompts whose embeddings are cached. */
    public int cachedTexts() { return textCache.size(); }

    /** Prompts run through the text tower so far (a cache hit adds nothing). */
    public long textsEncoded() { return textsEncoded.get(); }
}

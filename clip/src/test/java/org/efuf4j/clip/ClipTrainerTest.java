package org.efuf4j.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Losses;
import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.Variable;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.image.ClipImageProcessor;
import org.efuf4j.models.image.ImageBatch;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTrainerTest {
    private static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple"};
    private static final int[][] RGB = {{220, 30, 30}, {30, 190, 40}, {40, 50, 225}, {235, 220, 35}, {150, 40, 180}};

    @TempDir Path dir;
    private ClipVocabulary vocab;
    private Tokenizer tok;
    private final ClipImageProcessor pre = ClipImageProcessor.clip(TinyClip.IMAGE_SIZE);

    @BeforeEach
    void tinyVocabulary() {
        vocab = vocabulary();
        tok = vocab.tokenizer(dir.resolve("tok"));
    }

    /** A coloured square of random size and place on a noisy grey background. */
    private static RgbImage square(int colour, Random r) {
        int s = TinyClip.IMAGE_SIZE;
        byte[] px = new byte[s * s * 3];
        int side = 10 + r.nextInt(14), x0 = r.nextInt(s - side + 1), y0 = r.nextInt(s - side + 1);
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
                for (int c = 0; c < 3; c++) {
                    boolean in = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
                    int v = (in ? RGB[colour][c] : 110) + r.nextInt(31) - 15;
                    px[(y * s + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v));
                }
        return RgbImage.of(s, s, px);
    }

    private static List<ClipTrainer.Example> examples(int n, Random r) {
        List<ClipTrainer.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(COLOURS.length);
            List<String> absent = new ArrayList<>();
            for (int o = 0; o < COLOURS.length; o++) if (o != c) absent.add(ScoringOptions.paper().prompt(COLOURS[o]));
            out.add(new ClipTrainer.Example(square(c, r), ScoringOptions.paper().prompt(COLOURS[c]), absent));
        }
        return out;
    }

    private ClipVocabulary vocabulary() {
        List<String> texts = new ArrayList<>(List.of(COLOURS));
        texts.add(ScoringOptions.PAPER_TEMPLATE);
        return TinyClip.vocabulary(texts);
    }

    @Test
    void trainingOnColouredSquaresSeparatesPresentFromAbsentColours() throws Exception {
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 21);
        Path checkpoint = dir.resolve("ckpt");
        ClipTrainer.Options options = ClipTrainer.Options.defaults(60).withLearningRate(3e-3).withLogEvery(10)
                .withHardNegatives(true, 2).withCheckpoints(checkpoint, 25);
        List<ClipTrainer.Progress> reports = new ArrayList<>();
        ClipTrainer trainer = new ClipTrainer(model, tok, pre, options);
        ClipTrainer.Result result = trainer.train(examples(200, new Random(1)), reports::add);

        double first = result.meanOfFirst(10), last = result.meanOfLast(10);
        assertTrue(last < 0.5 * first, "loss should fall by half at least: first " + first + ", last " + last);
        assertEquals(6, reports.size());
        assertEquals(60, reports.getLast().step());
        assertEquals(0, reports.getLast().eta().toMillis());
        assertTrue(reports.getFirst().stepsPerSecond() > 0);
        for (ClipTrainer.Progress p : reports) assertTrue(p.logitScale() <= 100.0001 && p.logitScale() >= 1, p.toString());

        // Held-out images, scored through the scorer on every colour: present vs absent.
        ClipScorer scorer = new ClipScorer(model, tok, pre, ScoringOptions.wholeImage());
        Random r = new Random(99);
        List<RgbImage> images = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            truth.add(i % COLOURS.length);
            images.add(square(i % COLOURS.length, r));
        }
        List<float[]> scores = scorer.scoreAll(images, images.stream().map(im -> List.of(COLOURS)).toList());
        float[] present = new float[images.size()], absent = new float[images.size() * (COLOURS.length - 1)];
        int a = 0;
        for (int i = 0; i < images.size(); i++)
            for (int c = 0; c < COLOURS.length; c++) {
                if (c == truth.get(i)) present[i] = scores.get(i)[c];
                else absent[a++] = scores.get(i)[c];
            }
        ScorerQuality quality = ScorerQuality.of(present, absent, 10);
        System.out.printf("coloured squares: loss %.3f -> %.3f%n%s", first, last, quality.summary());
        assertTrue(quality.auc() > 0.9, quality.summary());

        // The saved checkpoint (with the vocabulary beside it) loads as a scorer giving the same scores.
        vocab.write(checkpoint);
        assertTrue(Files.isRegularFile(checkpoint.resolve("preprocessor_config.json")));
        ClipScorer loaded = ClipScorer.load(checkpoint, ScoringOptions.wholeImage());
        assertArrayEquals(scores.get(3), loaded.score(images.get(3), List.of(COLOURS)), 1e-4f);
    }

    @Test
    void lossIsClipsSymmetricInfoNceAndHardNegativesJoinTheImageSide() {
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 5);
        ClipTrainer trainer = new ClipTrainer(model, tok, pre, ClipTrainer.Options.defaults(1));
        // Four distinct colours, so every caption has exactly one right image.
        Random r = new Random(2);
        List<ClipTrainer.Example> batch = new ArrayList<>();
        for (int c = 0; c < 4; c++) batch.add(new ClipTrainer.Example(square(c, r), ScoringOptions.paper().prompt(COLOURS[c])));
        List<String> negatives = List.of("A photo containing purple.", "A photo containing nothing.");

        try (NoGrad scope = NoGrad.enter()) {
            Embeds emb = embed(model, tok, pre, batch, negatives);
            Variable img = emb.images(), txt = emb.texts();
            float scale = emb.scale();

            // Without negatives: HF CLIPModel's loss as the autograd module computes it.
            float plain = trainer.loss(batch, List.of()).value().toFloatArray()[0];
            float reference = Losses.clipContrastive(img, txt.slice(0, 0, 4), model.logitScale).value().toFloatArray()[0];
            assertEquals(reference, plain, 1e-5f);

            // With negatives, by hand: image rows over 6 texts, caption rows over 4 images.
            float[] im = img.value().toFloatArray(), tx = txt.value().toFloatArray();
            int e = img.dim(1);
            double imageSide = 0, textSide = 0;
            for (int i = 0; i < 4; i++) {
                double[] row = new double[6];
                for (int t = 0; t < 6; t++) row[t] = scale * dot(im, i, tx, t, e);
                imageSide += crossEntropy(row, i);
                double[] col = new double[4];
                for (int j = 0; j < 4; j++) col[j] = scale * dot(tx, i, im, j, e);
                textSide += crossEntropy(col, i);
            }
            double expected = 0.5 * (imageSide / 4 + textSide / 4);
            assertEquals(expected, trainer.loss(batch, negatives).value().toFloatArray()[0], 1e-4);
        }
    }

    @Test
    void textsNamingAnImagesObjectsShareItsTargetAndSoDoHardNegativesItShows() {
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 6);
        // caption = the first colour's prompt; image 0 shows red and blue, so the blue caption of image 2 fits it too,
        // and the negative "purple" (wrong for images 0-2) is what image 3 shows
        String[] named = {"red", "green", "blue", "purple"};
        List<java.util.Set<String>> shows = List.of(java.util.Set.of("red", "blue"), java.util.Set.of("green"), java.util.Set.of("blue"),
                java.util.Set.of("purple"));
        java.util.Map<String, java.util.Set<String>> textObjects = new java.util.HashMap<>();
        for (String c : COLOURS) textObjects.put(ScoringOptions.paper().prompt(c), java.util.Set.of(c));
        ClipTrainer trainer = new ClipTrainer(model, tok, pre, ClipTrainer.Options.defaults(1), t -> textObjects.getOrDefault(t, java.util.Set.of()));
        Random r = new Random(8);
        List<ClipTrainer.Example> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++)
            batch.add(new ClipTrainer.Example(square(i == 3 ? 4 : i, r), ScoringOptions.paper().prompt(named[i]), List.of(), shows.get(i), null));
        List<String> negatives = List.of(ScoringOptions.paper().prompt("purple"));
        boolean[][] fits = new boolean[4][5]; // image i, text t (4 captions, then the negative)
        for (int i = 0; i < 4; i++) fits[i][i] = true;
        fits[0][2] = true;
        fits[3][4] = true;

        try (NoGrad scope = NoGrad.enter()) {
            Embeds emb = embed(model, tok, pre, batch, negatives);
            Variable img = emb.images(), txt = emb.texts();
            float scale = emb.scale();
            float[] im = img.value().toFloatArray(), tx = txt.value().toFloatArray();
            int e = img.dim(1);
            double imageSide = 0, textSide = 0;
            for (int i = 0; i < 4; i++) {
                double[] row = new double[5];
                for (int t = 0; t < 5; t++) row[t] = scale * dot(im, i, tx, t, e);
                imageSide += softCrossEntropy(row, fits[i]);
            }
            for (int t = 0; t < 4; t++) {
                double[] col = new double[4];
                boolean[] right = new boolean[4];
                for (int j = 0; j < 4; j++) {
                    col[j] = scale * dot(tx, t, im, j, e);
                    right[j] = fits[j][t];
                }
                textSide += softCrossEntropy(col, right);
            }
            double expected = 0.5 * (imageSide / 4 + textSide / 4);
            assertEquals(expected, trainer.loss(batch, negatives).value().toFloatArray()[0], 1e-4);
        }
    }

    /** Squares of the given colours side by side (each in its own half), on a noisy grey background. */
    private static RgbImage squares(java.util.Set<Integer> colours, Random r) {
        int s = TinyClip.IMAGE_SIZE;
        byte[] px = new byte[s * s * 3];
        List<Integer> cs = new ArrayList<>(new java.util.TreeSet<>(colours));
        int[][] boxes = new int[cs.size()][];
        for (int k = 0; k < cs.size(); k++) {
            int side = 8 + r.nextInt(6), x0 = (k % 2) * (s / 2) + r.nextInt(s / 2 - side + 1), y0 = r.nextInt(s - side + 1);
            boxes[k] = new int[] {x0, y0, side};
        }
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
                for (int c = 0; c < 3; c++) {
                    int v = 110;
                    for (int k = 0; k < cs.size(); k++)
                        if (x >= boxes[k][0] && x < boxes[k][0] + boxes[k][2] && y >= boxes[k][1] && y < boxes[k][1] + boxes[k][2]) v = RGB[cs.get(k)][c];
                    px[(y * s + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v + r.nextInt(31) - 15));
                }
        return RgbImage.of(s, s, px);
    }

    /** Each colour's prompts: its own, and for red a second ("yellow" standing in for a synonym) with red's targets. */
    private static java.util.Map<String, List<String>> colourPrompts() {
        java.util.Map<String, List<String>> prompts = new java.util.LinkedHashMap<>();
        prompts.put("red", List.of(ScoringOptions.paper().prompt("red"), ScoringOptions.paper().prompt("yellow")));
        for (String c : List.of("green", "blue", "purple")) prompts.put(c, List.of(ScoringOptions.paper().prompt(c)));
        return prompts;
    }

    private static final List<String> FOUR = List.of("red", "green", "blue", "purple");
    private static final int[] FOUR_RGB = {0, 1, 2, 4};

    /** Images of one or two of the four colours, each knowing the colours it shows. */
    private static List<ClipTrainer.Example> multiColourExamples(int n, Random r) {
        List<ClipTrainer.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.util.Set<Integer> picked = new java.util.TreeSet<>();
            picked.add(r.nextInt(4));
            if (r.nextBoolean()) picked.add(r.nextInt(4));
            java.util.Set<Integer> rgb = new java.util.TreeSet<>();
            java.util.Set<String> names = new java.util.TreeSet<>();
            for (int k : picked) {
                rgb.add(FOUR_RGB[k]);
                names.add(FOUR.get(k));
            }
            out.add(new ClipTrainer.Example(squares(rgb, r), "image " + i, List.of(), names, null));
        }
        return out;
    }

    /**
     * The object loss against SigLIP's formula worked out by hand on a batch of three: every image against all five
     * prompts, z = +1 where the image shows the prompt's object (both prompts of red count for red), -1 elsewhere;
     * beside InfoNCE, the weighted sum.
     */
    @Test
    void objectLossIsSigLipsSigmoidLossWithExactMultiLabelTargets() {
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 9);
        ClipTrainer.ObjectLoss objectsOnly = ClipTrainer.ObjectLoss.siglip(colourPrompts(), 1.0, 0.0);
        ClipTrainer.ObjectLoss both = new ClipTrainer.ObjectLoss(colourPrompts(), 0.7, 0.4, 0.5, -2.0);
        Random r = new Random(3);
        List<java.util.Set<String>> shows = List.of(java.util.Set.of("red", "blue"), java.util.Set.of("green"), java.util.Set.of("purple", "red"));
        List<ClipTrainer.Example> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            java.util.Set<Integer> rgb = new java.util.TreeSet<>();
            for (String c : shows.get(i)) rgb.add(FOUR_RGB[FOUR.indexOf(c)]);
            batch.add(new ClipTrainer.Example(squares(rgb, r), ScoringOptions.paper().prompt(FOUR.get(i)), List.of(), shows.get(i), null));
        }
        List<String> prompts = colourPrompts().values().stream().flatMap(List::stream).toList();
        String[] objectOfPrompt = {"red", "red", "green", "blue", "purple"};
        try (NoGrad scope = NoGrad.enter()) {
            Embeds emb = embed(model, tok, pre, batch, prompts);
            float[] im = emb.images().value().toFloatArray(), tx = emb.texts().value().toFloatArray();
            int e = emb.images().dim(1);
            for (var loss : List.of(objectsOnly, both)) {
                double t = Math.exp(loss.initScale()), expected = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 5; j++) {
                        double logit = t * dot(im, i, tx, 3 + j, e) + loss.initBias();
                        double z = shows.get(i).contains(objectOfPrompt[j]) ? 1 : -1;
                        expected += -Math.log(1 / (1 + Math.exp(-z * logit)));
                    }
                expected = loss.weight() * expected / 3;
                ClipTrainer trainer = new ClipTrainer(model, tok, pre, ClipTrainer.Options.defaults(1), ClipTrainer.TextObjects.UNKNOWN, loss);
                if (loss.captionWeight() > 0) {
                    float infoNce = Losses.clipContrastive(emb.images(), emb.texts().slice(0, 0, 3), model.logitScale).value().toFloatArray()[0];
                    expected += loss.captionWeight() * infoNce;
                }
                assertEquals(expected, trainer.loss(batch, List.of()).value().toFloatArray()[0], 1e-4 * Math.max(1, expected), loss.toString());
            }
        }
        // the targets must be exact: an image that does not say what it shows, or shows an object without a prompt, is refused
        ClipTrainer trainer = new ClipTrainer(model, tok, pre, ClipTrainer.Options.defaults(1), ClipTrainer.TextObjects.UNKNOWN, objectsOnly);
        RgbImage img = batch.getFirst().image();
        assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(new ClipTrainer.Example(img, "a"),
                new ClipTrainer.Example(img, "b")), null));
        var ex = assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(new ClipTrainer.Example(img, "a", List.of(), java.util.Set.of("red"), null),
                new ClipTrainer.Example(img, "b", List.of(), java.util.Set.of("yellow"), null)), null));
        assertTrue(ex.getMessage().contains("'yellow'"), ex.getMessage());
    }

    /** The object loss alone teaches a scorer which colours an image of one or two squares shows. */
    @Test
    void objectLossTrainsAScorerOfEachObjectOnItsOwn() {
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 23);
        ClipTrainer.Options options = ClipTrainer.Options.defaults(80).withLearningRate(3e-3).withHardNegatives(false, 0).withBatchSize(16);
        ClipTrainer trainer = new ClipTrainer(model, tok, pre, options, ClipTrainer.TextObjects.UNKNOWN,
                ClipTrainer.ObjectLoss.siglip(colourPrompts(), 1.0, 0.0));
        ClipTrainer.Result result = trainer.train(multiColourExamples(300, new Random(5)), null);
        assertTrue(result.meanOfLast(10) < 0.5 * result.meanOfFirst(10), "loss " + result.meanOfFirst(10) + " -> " + result.meanOfLast(10));
        assertTrue(result.objectScale() != 10 && Double.isFinite(result.objectBias()) && result.objectBias() != -10,
                "temperature and bias train: " + result.objectScale() + ", " + result.objectBias());

        ClipScorer scorer = new ClipScorer(model, tok, pre, ScoringOptions.wholeImage());
        List<ClipTrainer.Example> held = multiColourExamples(60, new Random(77));
        List<Float> present = new ArrayList<>(), absent = new ArrayList<>();
        for (ClipTrainer.Example e : held) {
            float[] s = scorer.score(e.image(), FOUR);
            for (int c = 0; c < 4; c++) (e.objects().contains(FOUR.get(c)) ? present : absent).add(s[c]);
        }
        double auc = ScorerQuality.auc(toArray(present), toArray(absent));
        assertTrue(auc > 0.9, "present vs absent colours, AUC " + auc);
    }

    /** Two trainings from the same seeds give the same losses and weights, bit for bit. */
    @Test
    void objectLossTrainingIsDeterministic() {
        List<ClipTrainer.Example> data = multiColourExamples(40, new Random(6));
        float[][] losses = new float[2][];
        List<List<float[]>> weights = List.of(new ArrayList<>(), new ArrayList<>());
        for (int run = 0; run < 2; run++) {
            ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 31);
            ClipTrainer trainer = new ClipTrainer(model, tok, pre, ClipTrainer.Options.defaults(4).withBatchSize(8), ClipTrainer.TextObjects.UNKNOWN,
                    ClipTrainer.ObjectLoss.siglip(colourPrompts(), 1.0, 0.5));
            losses[run] = trainer.train(data, null).losses();
            for (var t : model.stateDict().values()) weights.get(run).add(t.toFloatArray());
        }
        assertArrayEquals(losses[0], losses[1]);
        for (int k = 0; k < weights.get(0).size(); k++) assertArrayEquals(weights.get(0).get(k), weights.get(1).get(k), "tensor " + k);
    }

    private static float[] toArray(List<Float> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i);
        return out;
    }

    @Test
    void groupedBatchesHoldOneGroupAndDistinctCaptions() {
        Random r = new Random(12);
        RgbImage img = RgbImage.filled(8, 8, 1, 2, 3);
        List<ClipTrainer.Example> examples = new ArrayList<>();
        for (int i = 0; i < 90; i++)
            examples.add(new ClipTrainer.Example(img, "text " + (i % 30), List.of(), java.util.Set.of(), "group " + (i % 3)));
        ClipTrainer.BatchSampler grouped = new ClipTrainer.BatchSampler(examples, 8, 1.0, r);
        ClipTrainer.BatchSampler mixed = new ClipTrainer.BatchSampler(examples, 8, 0.0, r);
        int mixedBatches = 0;
        for (int b = 0; b < 40; b++) {
            List<ClipTrainer.Example> g = grouped.next(), m = mixed.next();
            assertEquals(8, g.size());
            assertEquals(1, g.stream().map(ClipTrainer.Example::group).distinct().count(), "one group per batch: " + g);
            assertEquals(8, g.stream().map(ClipTrainer.Example::caption).distinct().count(), "distinct captions: " + g);
            if (m.stream().map(ClipTrainer.Example::group).distinct().count() > 1) mixedBatches++;
        }
        assertTrue(mixedBatches > 30, "ungrouped batches mix the groups, got " + mixedBatches + " of 40");
    }

    /** {@code -sum q log softmax}, q uniform over the right entries. */
    private static double softCrossEntropy(double[] logits, boolean[] right) {
        int count = 0;
        for (boolean b : right) if (b) count++;
        double loss = 0;
        for (int k = 0; k < logits.length; k++) {
            if (right[k]) loss += crossEntropy(logits, k) / count;
        }
        return loss;
    }

    /** Image embeddings of the batch, text embeddings of its captions then the negatives, and the logit scale. */
    private record Embeds(Variable images, Variable texts, float scale) {}

    private static Embeds embed(ClipModel model, Tokenizer tok, ClipImageProcessor pre, List<ClipTrainer.Example> batch, List<String> negatives) {
        List<String> texts = new ArrayList<>(batch.stream().map(ClipTrainer.Example::caption).toList());
        texts.addAll(negatives);
        TextBatch tb = TextBatch.encode(tok, texts, 16);
        Variable img = model.imageEmbeds(model.visionModel.forward(ImageBatch.stack(batch.stream().map(e -> pre.preprocess(e.image())).toList())));
        Variable txt = model.textEmbeds(model.textModel.forward(tb.ids(), tb.mask()));
        return new Embeds(img, txt, (float) Math.exp(model.logitScale.value().toFloatArray()[0]));
    }

    private static double dot(float[] a, int i, float[] b, int j, int e) {
        double s = 0;
        for (int k = 0; k < e; k++) s += (double) a[i * e + k] * b[j * e + k];
        return s;
    }

    private static double crossEntropy(double[] logits, int label) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double l : logits) max = Math.max(max, l);
        for (double l : logits) sum += Math.exp(l - max);
        return max + Math.log(sum) - logits[label];
    }

    @Test
    void continuesTrainingALoadedCheckpointWithoutTouchingItsFiles() throws Exception {
        Path saved = dir.resolve("saved");
        PretrainedModels.save(ClipTrainer.newModel(TinyClip.config(vocab), 3), saved);
        byte[] before = Files.readAllBytes(saved.resolve(PretrainedModels.WEIGHTS_FILE));
        ClipModel loaded = PretrainedModels.load(saved, null, Device.CPU, ClipModel.class);
        float[] proj = loaded.visualProjection.weight.value().toFloatArray();
        ClipTrainer trainer = new ClipTrainer(loaded, tok, ClipImageProcessor.clip(TinyClip.IMAGE_SIZE),
                ClipTrainer.Options.defaults(3).withLearningRate(1e-3));
        ClipTrainer.Result result = trainer.train(examples(20, new Random(4)), null);
        assertEquals(3, result.losses().length);
        for (float l : result.losses()) assertTrue(Float.isFinite(l) && l > 0, "loss " + l);
        assertTrue(!java.util.Arrays.equals(proj, loaded.visualProjection.weight.value().toFloatArray()), "weights must move");
        assertArrayEquals(before, Files.readAllBytes(saved.resolve(PretrainedModels.WEIGHTS_FILE)), "the mapped checkpoint stays as it was");
    }

    @Test
    void rejectsDataWithNothingToContrast() {
        ClipTrainer trainer = new ClipTrainer(ClipTrainer.newModel(TinyClip.config(vocab), 1), tok,
                ClipImageProcessor.clip(TinyClip.IMAGE_SIZE), ClipTrainer.Options.defaults(1));
        RgbImage img = RgbImage.filled(32, 32, 1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(new ClipTrainer.Example(img, "red"),
                new ClipTrainer.Example(img, "red")), null));
        assertThrows(IllegalArgumentException.class, () -> ClipTrainer.Options.defaults(0));
    }
}

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTrainerTest {
    private static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple"};
    private static final int[][] RGB = {{220, 30, 30}, {30, 190, 40}, {40, 50, 225}, {235, 220, 35}, {150, 40, 180}};

    @TempDir Path dir;

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
        ClipVocabulary vocab = vocabulary();
        Tokenizer tok = vocab.tokenizer(dir.resolve("tok"));
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 21);
        ClipImageProcessor pre = ClipImageProcessor.clip(TinyClip.IMAGE_SIZE);
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
        ClipVocabulary vocab = vocabulary();
        Tokenizer tok = vocab.tokenizer(dir.resolve("tok"));
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 5);
        ClipImageProcessor pre = ClipImageProcessor.clip(TinyClip.IMAGE_SIZE);
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
        ClipVocabulary vocab = vocabulary();
        Tokenizer tok = vocab.tokenizer(dir.resolve("tok"));
        ClipModel model = ClipTrainer.newModel(TinyClip.config(vocab), 6);
        ClipImageProcessor pre = ClipImageProcessor.clip(TinyClip.IMAGE_SIZE);
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
        ClipVocabulary vocab = vocabulary();
        Tokenizer tok = vocab.tokenizer(dir.resolve("tok"));
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
        ClipVocabulary vocab = vocabulary();
        Tokenizer tok = vocab.tokenizer(dir.resolve("tok"));
        ClipTrainer trainer = new ClipTrainer(ClipTrainer.newModel(TinyClip.config(vocab), 1), tok,
                ClipImageProcessor.clip(TinyClip.IMAGE_SIZE), ClipTrainer.Options.defaults(1));
        RgbImage img = RgbImage.filled(32, 32, 1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(new ClipTrainer.Example(img, "red"),
                new ClipTrainer.Example(img, "red")), null));
        assertThrows(IllegalArgumentException.class, () -> ClipTrainer.Options.defaults(0));
    }
}

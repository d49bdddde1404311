package org.efuf4j.efuf.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.efuf.dataset.DatasetFiles;
import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.dataset.UnlearningSample;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.models.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Caption+score stage and dataset formation with a scripted captioner and scorer: the scores are chosen, so the
 * sets, counts and labelled precision/recall are known exactly.
 */
class DatasetFormationTest {
    @TempDir Path tmp;
    static final ObjectExtractor EXTRACTOR = new ObjectExtractor(ObjectVocabulary.coco());

    /** The image's red channel tells which scripted caption it gets. */
    static final Map<Integer, String> CAPTIONS = Map.of(
            0, "A dog lies on a bed, and a cat sleeps.",
            1, "A car is parked near a bus.",
            2, "",
            3, "Nothing to see here.");
    /** Scores by object: dog and car real and high, cat low (hallucinated), bus in between, bed high. */
    static final Map<String, Float> SCORES = Map.of("dog", 35f, "cat", 20f, "car", 33f, "bus", 26f, "bed", 34f);

    Path images() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 4; i++) {
            BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
            img.setRGB(0, 0, i << 16);
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
        Files.writeString(dir.resolve("broken.jpg"), "not a jpeg");
        return dir;
    }

    static String caption(RgbImage img) { return CAPTIONS.get(img.sample(0, 0, 0)); }

    static float[] score(RgbImage img, List<String> objects) {
        float[] s = new float[objects.size()];
        for (int i = 0; i < s.length; i++) s[i] = objects.get(i).equals("bus") && img.sample(0, 0, 0) == 1 ? Float.NaN : SCORES.get(objects.get(i));
        return s;
    }

    @Test
    void formsTheThreeSetsWithCountsAndLabelledQuality() throws Exception {
        ImageFolder folder = new ImageFolder(images());
        Path out = tmp.resolve("out");
        CaptionScoringStage.Result r = CaptionScoringStage.run(folder, out.resolve("captions.jsonl"), DatasetFormationTest::caption, EXTRACTOR,
                DatasetFormationTest::score, "test");
        assertEquals(5, r.records().size());
        assertEquals(1, r.skipped(), "the corrupt file is skipped and counted");
        assertEquals(1, r.emptyCaptions());
        assertEquals(2, r.withoutObjects(), "the empty caption and the one without objects");
        assertEquals(1, r.nanScores(), "bus on img1 failed to score");

        GroundTruth truth = GroundTruth.builder().add("img0", "dog").add("img0", "bed").add("img1", "car").add("img1", "bus").build();
        DatasetFormation.Settings s = new DatasetFormation.Settings(new ThresholdChoice.Given(32, 23, 30.0), SampleSelector.Options.PAPER, 0, 0, false, 1);
        DatasetFormation.Outcome o = DatasetFormation.form(r.records(), EXTRACTOR.vocabulary(), truth, s, out);

        List<UnlearningSample> pos = DatasetFiles.read(out.resolve("train/positive.jsonl"));
        List<UnlearningSample> neg = DatasetFiles.read(out.resolve("train/negative.jsonl"));
        List<UnlearningSample> sent = DatasetFiles.read(out.resolve("train/sentence.jsonl"));
        assertEquals(Set.of("dog", "bed", "car"), objects(pos));
        assertEquals(Set.of("cat"), objects(neg));
        UnlearningSample cat = neg.get(0);
        assertEquals("img0.png", cat.image());
        assertEquals("A dog lies on a bed,", cat.context().strip());
        assertEquals("and a cat sleeps", cat.target().strip(), "the clause, without the punctuation that ends it");
        // img0 mean (35 + 34 + 20) / 3 = 29.67 < 30; img1 has a NaN score: no caption qualifies for Ds
        assertEquals(0, sent.size());
        JsonNode stats = Json.MAPPER.readTree(out.resolve("statistics.json").toFile());
        assertEquals(5, stats.at("/counts/images").asInt());
        assertEquals(1, stats.at("/counts/skipped_images").asInt());
        assertEquals(5, stats.at("/counts/mentions").asInt());
        assertEquals(1, stats.at("/counts/nan_scores").asInt());
        // labelled: dog, bed, car present (scores > 32), cat absent (20), bus present but NaN
        assertEquals(1.0, stats.at("/quality_on_labelled_mentions/positive/precision").asDouble(), 1e-12);
        assertEquals(1.0, stats.at("/quality_on_labelled_mentions/negative/precision").asDouble(), 1e-12);
        assertEquals(0.75, stats.at("/quality_on_labelled_mentions/positive/recall").asDouble(), 1e-12, "bus (NaN) is a missed real object");
        // The PNG needs a renderer on the class path (the plots module's test and the end-to-end CLI test check it).
        assertTrue(Files.readString(out.resolve("score-histogram.csv")).lines().count() > 1);
        assertEquals(30.0, o.thresholds().t2());
    }

    @Test
    void sizeMatchedT2AndValidationSplit() throws Exception {
        ImageFolder folder = new ImageFolder(images());
        Path out = tmp.resolve("out2");
        var r = CaptionScoringStage.run(folder, out.resolve("captions.jsonl"), DatasetFormationTest::caption, EXTRACTOR,
                (img, objects) -> { float[] f = score(img, objects); for (int i = 0; i < f.length; i++) if (Float.isNaN(f[i])) f[i] = 30; return f; }, "test");
        var o = DatasetFormation.form(r.records(), EXTRACTOR.vocabulary(), null,
                new DatasetFormation.Settings(new ThresholdChoice.Given(32, 23, null), SampleSelector.Options.PAPER, 0.5, 3, false, 1), out);
        // means: img0 29.67, img1 31.5; D+ 3, D- 1 -> target 2, clamped to 1 (two captions): T2 between them
        assertEquals((29 + 2.0 / 3 + 31.5) / 2, o.thresholds().t2(), 1e-5);
        int train = JsonlReader.readTree(out.resolve("train/positive.jsonl")).records().size() + JsonlReader.readTree(out.resolve("train/negative.jsonl")).records().size()
                + JsonlReader.readTree(out.resolve("train/sentence.jsonl")).records().size();
        int val = JsonlReader.readTree(out.resolve("validation/positive.jsonl")).records().size() + JsonlReader.readTree(out.resolve("validation/negative.jsonl")).records().size()
                + JsonlReader.readTree(out.resolve("validation/sentence.jsonl")).records().size();
        assertEquals(3 + 1 + 1, train + val);
        assertEquals(o.train(), train);
        assertEquals(o.validation(), val);
    }

    /** Oracle mode: ground truth, not the score, decides; images without ground truth still go by score. */
    @Test
    void oracleModeLetsGroundTruthDecide() throws Exception {
        ImageFolder folder = new ImageFolder(images());
        Path out = tmp.resolve("oracle");
        var r = CaptionScoringStage.run(folder, out.resolve("captions.jsonl"), DatasetFormationTest::caption, EXTRACTOR, DatasetFormationTest::score, "test");
        // img0: the cat (score 20) is really there, the bed (34) is not; img1 has no ground truth
        GroundTruth truth = GroundTruth.builder().add("img0", "dog").add("img0", "cat").build();
        DatasetFormation.form(r.records(), EXTRACTOR.vocabulary(), truth,
                new DatasetFormation.Settings(new ThresholdChoice.Given(32, 23, 40.0), SampleSelector.Options.PAPER, 0, 0, true, 1), out);
        assertEquals(Set.of("dog", "cat", "car"), objects(DatasetFiles.read(out.resolve("train/positive.jsonl"))));
        assertEquals(Set.of("bed"), objects(DatasetFiles.read(out.resolve("train/negative.jsonl"))));
        assertTrue(Json.MAPPER.readTree(out.resolve("statistics.json").toFile()).get("oracle").asBoolean());
    }

    @Test
    void t1NotBelowT0IsAnError() throws Exception {
        ImageFolder folder = new ImageFolder(images());
        var r = CaptionScoringStage.run(folder, tmp.resolve("c.jsonl"), DatasetFormationTest::caption, EXTRACTOR, DatasetFormationTest::score, "test");
        var e = assertThrows(IllegalArgumentException.class, () -> DatasetFormation.form(r.records(), EXTRACTOR.vocabulary(), null,
                new DatasetFormation.Settings(new ThresholdChoice.Given(23, 23, null), SampleSelector.Options.PAPER, 0, 0, false, 1), tmp.resolve("o")));
        assertTrue(e.getMessage().contains("T0"), e.getMessage());
    }

    /** A crash mid-record leaves a partial line: it is dropped, finished images are not redone, nothing is lost. */
    @Test
    void resumesAfterACrashWithoutRedoingImages() throws Exception {
        ImageFolder folder = new ImageFolder(images());
        Path file = tmp.resolve("captions.jsonl");
        CaptionScoringStage.run(folder, file, DatasetFormationTest::caption, EXTRACTOR, DatasetFormationTest::score, "test");
        List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size());
        // keep three whole records and half of the fourth, as a crash during its write would
        Files.writeString(file, lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2) + "\n" + lines.get(3).substring(0, lines.get(3).length() / 2));
        AtomicInteger captioned = new AtomicInteger();
        var r = CaptionScoringStage.run(folder, file, img -> { captioned.incrementAndGet(); return caption(img); }, EXTRACTOR, DatasetFormationTest::score, "test");
        assertEquals(2, r.resumed(), "three whole records, less the skipped image, which is tried again (it may have been replaced)");
        assertEquals(1, r.skipped(), "still unreadable, the corrupt image is still the only skipped one");
        assertEquals(1, r.nanScores(), "and the NaN score survives the round trip as null");
        assertEquals(5, r.records().size());
        List<JsonNode> again = JsonlReader.readTree(file).records();
        assertEquals(5, again.size());
        Set<String> names = new HashSet<>();
        for (JsonNode n : again) assertTrue(names.add(n.get("image").asText()), "no duplicate: " + n);
        assertEquals(folder.names().size(), names.size());
        assertTrue(captioned.get() <= 2, "only the unfinished images are captioned again, got " + captioned.get());
        assertFalse(Files.readString(file).contains("\n\n"));
    }

    /** An image that could not be read is tried again on a rerun: once replaced, it is captioned, not skipped forever. */
    @Test
    void aFixedImageIsCaptionedOnTheRerun() throws Exception {
        Path dir = images();
        Path file = tmp.resolve("retry.jsonl");
        var first = CaptionScoringStage.run(new ImageFolder(dir), file, DatasetFormationTest::caption, EXTRACTOR, DatasetFormationTest::score, "test");
        assertEquals(1, first.skipped());
        BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "jpg", dir.resolve("broken.jpg").toFile());
        AtomicInteger captioned = new AtomicInteger();
        var second = CaptionScoringStage.run(new ImageFolder(dir), file, i -> { captioned.incrementAndGet(); return caption(i); }, EXTRACTOR,
                DatasetFormationTest::score, "test");
        assertEquals(0, second.skipped());
        assertEquals(1, captioned.get(), "only the fixed image is captioned");
        assertEquals(5, JsonlReader.readTree(file).records().size());
    }

    static Set<String> objects(List<UnlearningSample> s) {
        Set<String> out = new HashSet<>();
        for (UnlearningSample x : s) out.add(x.object());
        return out;
    }

    static List<String> list(String... s) { return new ArrayList<>(List.of(s)); }
}

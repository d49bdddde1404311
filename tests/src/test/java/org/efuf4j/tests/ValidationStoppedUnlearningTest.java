package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.efuf.dataset.UnlearningSample;
import org.efuf4j.efuf.dataset.UnlearningSample.Kind;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.train.Ablation;
import org.efuf4j.efuf.train.TrainableSet;
import org.efuf4j.efuf.train.TrainerSettings;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.efuf.train.ValidationStopping;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two schedules on a tiny LLaVA taught to caption every image "a dog, a cat." when only a dog is there (ground
 * truth known: every caption hallucinates the cat). EFUF unlearns ", a cat" against ", a dog"-style positives; the
 * validation probe measures CHAIR on held-out validation images. The paper's schedule keeps the last step's weights,
 * the validation-stopped one the chosen step's, and each saved model must measure exactly what the log says.
 */
class ValidationStoppedUnlearningTest {
    @TempDir static Path tmp;
    static Path taught, trainImages, validationImages;
    static GroundTruth truth;
    static final ObjectExtractor EXTRACTOR = new ObjectExtractor(ObjectVocabulary.coco());

    @BeforeAll
    static void teach() throws Exception {
        Path base = tmp.resolve("llava");
        TinyCheckpoints.llava(base, 11);
        trainImages = Files.createDirectories(tmp.resolve("train"));
        validationImages = Files.createDirectories(tmp.resolve("validation"));
        GroundTruth.Builder b = GroundTruth.builder();
        for (int i = 0; i < 6; i++) EfufPipelineEndToEndTest.image(trainImages.resolve("t" + i + ".png"), i);
        for (int i = 0; i < 4; i++) {
            EfufPipelineEndToEndTest.image(validationImages.resolve("v" + i + ".png"), 50 + i);
            b.add("v" + i, "dog");
        }
        truth = b.build();
        List<UnlearningSample> sentences = new ArrayList<>();
        for (int k = 0; k < 12; k++) for (int i = 0; i < 6; i++) sentences.add(new UnlearningSample(Kind.SENTENCE, "t" + i + ".png", null, 30, "", "a dog, a cat."));
        Path teachData = tmp.resolve("teach-data");
        EfufPipelineEndToEndTest.writeSamples(teachData.resolve("train/sentence.jsonl"), sentences);
        TrainerSettings teach = TrainerSettings.paper().toBuilder().lr(3e-3).trainable(TrainableSet.ALL).ablation(Ablation.SENTENCE_ONLY)
                .checkpointEvery(1000).build();
        taught = new UnlearningTrainer(teach, base, teachData, new ImageFolder(trainImages), tmp.resolve("teach"), Device.CPU).train().model();
    }

    static ValidationStopping.Probe probe() {
        ImageFolder folder = new ImageFolder(validationImages);
        Map<String, RgbImage> images = new LinkedHashMap<>();
        for (String id : truth.imageIds()) images.put(id, folder.require(id + ".png"));
        return ValidationStopping.chair(images, truth, EXTRACTOR, Captioner.FORMATION_PROMPT, 24);
    }

    @Test
    void keepsTheChosenStepAndTheLastStepAndEachMeasuresWhatTheLogSays() throws Exception {
        Path data = tmp.resolve("efuf-data");
        List<UnlearningSample> pos = new ArrayList<>(), neg = new ArrayList<>(), sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            neg.add(new UnlearningSample(Kind.NEGATIVE, "t" + i + ".png", "cat", 10, "a dog,", " a cat"));
            pos.add(new UnlearningSample(Kind.POSITIVE, "t" + i + ".png", "dog", 30, "", "a dog"));
            sent.add(new UnlearningSample(Kind.SENTENCE, "t" + i + ".png", null, 30, "", "a dog."));
        }
        for (var e : Map.of("positive", pos, "negative", neg, "sentence", sent).entrySet())
            EfufPipelineEndToEndTest.writeSamples(data.resolve("train/" + e.getKey() + ".jsonl"), e.getValue());
        TrainerSettings s = TrainerSettings.paper().toBuilder().lr(2e-3).lambda1(1.0).trainable(TrainableSet.ALL).epochs(2).checkpointEvery(1000)
                .negativeCap(4).divergenceFactor(1e6).build(); // ascent that works raises L_neg many times over: the guard is not under test
        Path run = tmp.resolve("efuf");
        ValidationStopping stopping = new ValidationStopping(probe(), 3, 0.0);
        UnlearningTrainer.Result r = new UnlearningTrainer(s, taught, data, new ImageFolder(trainImages), run, Device.CPU, stopping).train();

        List<JsonNode> log = JsonlReader.readTree(run.resolve(UnlearningTrainer.VALIDATION_LOG)).records();
        assertEquals(List.of(0L, 3L, 6L, 9L, 12L), log.stream().map(n -> n.path("step").asLong()).toList(), "measured at the start, every 3 steps and at the end");
        JsonNode start = log.getFirst();
        assertEquals(1.0, start.path("chair_s").asDouble(), 0, "the taught model names the absent cat in every caption: " + log);
        assertEquals(1.0, start.path("recall").asDouble(), 0, "and the dog: " + log);
        List<ValidationStopping.Point> points = log.stream().map(n -> new ValidationStopping.Point(n.path("step").asLong(),
                n.path("chair_s").asDouble(), n.path("chair_i").asDouble(), n.path("recall").asDouble())).toList();
        long chosen = points.get(ValidationStopping.choose(points, 0.0)).step();
        assertEquals(chosen, r.stoppedAtStep());
        assertTrue(points.stream().anyMatch(p -> p.chairS() < 1.0 && p.recall() == 1.0), "unlearning removes the cat at some step: " + log);
        assertTrue(log.get((int) (chosen / 3)).path("chair_s").asDouble() < 1.0, "the chosen step hallucinates less than the start: " + log);
        assertNotNull(r.stoppedModel());
        assertTrue(Files.exists(run.resolve("validation.jsonl")));

        // each saved model, reloaded, measures exactly its logged point: the restore put back the chosen step's weights
        ValidationStopping.Point stopped = probe().measure(Captioner.load(r.stoppedModel(), Device.CPU, Captioner.LLAVA_TEMPLATE), chosen);
        assertEquals(points.get((int) (chosen / 3)), stopped);
        ValidationStopping.Point last = probe().measure(Captioner.load(r.model(), Device.CPU, Captioner.LLAVA_TEMPLATE), 12);
        assertEquals(points.getLast(), last);

        // a finished run reports the same choice when started again
        UnlearningTrainer.Result again = new UnlearningTrainer(s, taught, data, new ImageFolder(trainImages), run, Device.CPU, stopping).train();
        assertEquals(chosen, again.stoppedAtStep());
    }
}

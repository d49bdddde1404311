package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
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

    /** A probe that answers each step from {@code script} (step -> CHAIR_s, CHAIR_i, recall) and notes the steps asked. */
    static ValidationStopping.Probe scripted(Map<Long, double[]> script, List<Long> asked) {
        return (captioner, step) -> {
            asked.add(step);
            double[] v = script.get(step);
            return new ValidationStopping.Point(step, v[0], v[1], v[2]);
        };
    }

    /** EFUF's data for the taught model: ", a cat" unlearned on the 6 training images, "a dog" kept, on the first images. */
    static Path catData(String name, int positives, int sentences) throws Exception {
        Path data = tmp.resolve(name);
        List<UnlearningSample> pos = new ArrayList<>(), neg = new ArrayList<>(), sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            neg.add(new UnlearningSample(Kind.NEGATIVE, "t" + i + ".png", "cat", 10, "a dog,", " a cat"));
            if (i < positives) pos.add(new UnlearningSample(Kind.POSITIVE, "t" + i + ".png", "dog", 30, "", "a dog"));
            if (i < sentences) sent.add(new UnlearningSample(Kind.SENTENCE, "t" + i + ".png", null, 30, "", "a dog."));
        }
        for (var e : Map.of("positive", pos, "negative", neg, "sentence", sent).entrySet())
            EfufPipelineEndToEndTest.writeSamples(data.resolve("train/" + e.getKey() + ".jsonl"), e.getValue());
        return data;
    }

    @Test
    void keepsTheChosenStepAndTheLastStepAndEachMeasuresWhatTheLogSays() throws Exception {
        Path data = catData("efuf-data", 6, 6);
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

    /**
     * The stopping rule against ground truth, through the trainer: a scripted probe (CHAIR falling, recall holding, then
     * collapsing) whose best step within the limit is known, here step 6 of 12. The kept weights must be bit for bit
     * the weights a run stopped after exactly 6 steps checkpoints, also when the validated run itself is interrupted
     * and resumed in between.
     */
    @Test
    void keepsExactlyTheWeightsOfTheBestStepWithinTheRecallLimit() throws Exception {
        Path data = catData("scripted-data", 4, 3);
        TrainerSettings s = TrainerSettings.paper().toBuilder().lr(1e-3).epochs(2).checkpointEvery(1000).build();
        // step -> CHAIR_s, CHAIR_i, recall; the limit 0.03 allows recall >= 0.87, so steps 0..6, of which 6 has the lowest CHAIR_s
        Map<Long, double[]> script = Map.of(0L, new double[] {0.60, 0.30, 0.90}, 2L, new double[] {0.50, 0.25, 0.90},
                4L, new double[] {0.30, 0.15, 0.89}, 6L, new double[] {0.20, 0.10, 0.88}, 8L, new double[] {0.10, 0.05, 0.86},
                10L, new double[] {0.05, 0.02, 0.80}, 12L, new double[] {0.02, 0.01, 0.70});
        List<Long> asked = new ArrayList<>();
        ValidationStopping.Probe scripted = scripted(script, asked);
        ValidationStopping stopping = new ValidationStopping(scripted, 2, 0.03);

        Path straight = tmp.resolve("scripted-straight");
        UnlearningTrainer.Result r = new UnlearningTrainer(s, taught, data, new ImageFolder(trainImages), straight, Device.CPU, stopping).train();
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L, 10L, 12L), asked);
        assertEquals(12, r.steps(), "two passes over 6 negatives");
        assertEquals(6, r.stoppedAtStep());

        // ground truth: the paper's schedule stopped after 6 steps keeps its weights in checkpoints/step-6
        Path six = tmp.resolve("scripted-six");
        UnlearningTrainer.Result partial = new UnlearningTrainer(s.toBuilder().maxSteps(6).build(), taught, data, new ImageFolder(trainImages), six, Device.CPU).train();
        assertTrue(partial.stoppedEarly());
        Map<String, Tensor> atSix = SafetensorsFile.open(six.resolve("checkpoints/step-6/trainable.safetensors")).tensors();
        Map<String, Tensor> stopped = PretrainedModels.load(r.stoppedModel(), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        Map<String, Tensor> last = PretrainedModels.load(r.model(), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        assertTrue(atSix.keySet().stream().allMatch(k -> k.startsWith("multi_modal_projector")), "the paper trains the projector: " + atSix.keySet());
        boolean movedAfterSix = false;
        for (var e : atSix.entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), stopped.get(e.getKey()).toFloatArray(), 0f, e.getKey() + " is step 6's");
            movedAfterSix |= !Arrays.equals(e.getValue().toFloatArray(), last.get(e.getKey()).toFloatArray());
        }
        assertTrue(movedAfterSix, "steps 7-12 changed the weights, so keeping step 6 is a choice");

        // interrupted at step 5 (between measurements) and resumed: same measurements, same choice, same weights
        asked.clear();
        Path resumed = tmp.resolve("scripted-resumed");
        assertTrue(new UnlearningTrainer(s.toBuilder().maxSteps(5).build(), taught, data, new ImageFolder(trainImages), resumed, Device.CPU, stopping)
                .train().stoppedEarly());
        UnlearningTrainer.Result again = new UnlearningTrainer(s, taught, data, new ImageFolder(trainImages), resumed, Device.CPU, stopping).train();
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L, 10L, 12L), asked, "each step measured once over the two runs");
        assertEquals(6, again.stoppedAtStep());
        assertEquals(Files.readString(straight.resolve(UnlearningTrainer.VALIDATION_LOG)), Files.readString(resumed.resolve(UnlearningTrainer.VALIDATION_LOG)));
        Map<String, Tensor> stoppedAfterResume = PretrainedModels.load(again.stoppedModel(), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        for (var e : atSix.entrySet())
            assertArrayEquals(e.getValue().toFloatArray(), stoppedAfterResume.get(e.getKey()).toFloatArray(), 0f, e.getKey() + " after resuming");
    }

    /**
     * A validation schedule of two passes beside the paper's one: it measures on past the paper's last step and may
     * choose a step there, while {@code model/} keeps the paper's weights. Ground truth: a scripted probe whose best step
     * within the limit is 8 of 12; the paper's weights must be those of a plain one-pass run, the chosen ones those a
     * plain run stopped after 8 steps checkpoints, bit for bit.
     */
    @Test
    void runsPastThePaperScheduleWhileTheModelKeepsThePaperWeights() throws Exception {
        Path data = catData("longer-data", 4, 3);
        TrainerSettings s = TrainerSettings.paper().toBuilder().lr(1e-3).checkpointEvery(1000).build();
        Map<Long, double[]> script = Map.of(0L, new double[] {0.60, 0.30, 0.90}, 2L, new double[] {0.50, 0.25, 0.90},
                4L, new double[] {0.40, 0.20, 0.89}, 6L, new double[] {0.30, 0.15, 0.89}, 8L, new double[] {0.20, 0.10, 0.88},
                10L, new double[] {0.10, 0.05, 0.85}, 12L, new double[] {0.05, 0.02, 0.80});
        List<Long> asked = new ArrayList<>();
        ValidationStopping.Probe scripted = scripted(script, asked);
        Path run = tmp.resolve("longer");
        UnlearningTrainer.Result r = new UnlearningTrainer(s, taught, data, new ImageFolder(trainImages), run, Device.CPU,
                new ValidationStopping(scripted, 2, 0.03, 2)).train();
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L, 10L, 12L), asked, "measured over two passes of 6 negatives");
        assertEquals(12, r.steps());
        assertEquals(8, r.stoppedAtStep(), "step 8, in the second pass, has the lowest CHAIR_s with recall >= 0.87");

        Path paper = tmp.resolve("longer-paper");
        UnlearningTrainer.Result onePass = new UnlearningTrainer(s, taught, data, new ImageFolder(trainImages), paper, Device.CPU).train();
        assertEquals(6, onePass.steps());
        Path eight = tmp.resolve("longer-eight");
        assertTrue(new UnlearningTrainer(s.toBuilder().epochs(2).maxSteps(8).build(), taught, data, new ImageFolder(trainImages), eight, Device.CPU)
                .train().stoppedEarly());
        Map<String, Tensor> atEight = SafetensorsFile.open(eight.resolve("checkpoints/step-8/trainable.safetensors")).tensors();
        Map<String, Tensor> paperWeights = PretrainedModels.load(onePass.model(), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        Map<String, Tensor> model = PretrainedModels.load(r.model(), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        Map<String, Tensor> stopped = PretrainedModels.load(r.stoppedModel(), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        for (var e : atEight.entrySet()) {
            assertArrayEquals(paperWeights.get(e.getKey()).toFloatArray(), model.get(e.getKey()).toFloatArray(), 0f, e.getKey() + " is the one-pass run's");
            assertArrayEquals(e.getValue().toFloatArray(), stopped.get(e.getKey()).toFloatArray(), 0f, e.getKey() + " is step 8's");
        }

        var tooFar = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new UnlearningTrainer(s, taught, data,
                new ImageFolder(trainImages), tmp.resolve("too-far"), Device.CPU, new ValidationStopping(scripted, 2, 0.03, 4)).train());
        assertTrue(tooFar.getMessage().contains("4 passes over D- exceed the bound of 3"), tooFar.getMessage());
    }

    /**
     * Ascent alone with every negative over the cap: each step has nothing to train on, so the run takes no step and
     * hands on the starting weights bit for bit (it once stopped with "the loss has no terms" at the first capped draw).
     */
    @Test
    void ascentOnlyWithEveryNegativeCappedLeavesTheWeightsAsTheyWere() throws Exception {
        Path data = catData("capped-data", 0, 0);
        TrainerSettings s = TrainerSettings.paper().toBuilder().lr(1e-2).ablation(Ablation.ASCENT_ONLY).negativeCap(1e-3).checkpointEvery(1000).build();
        Path run = tmp.resolve("capped");
        UnlearningTrainer.Result r = new UnlearningTrainer(s, taught, data, new ImageFolder(trainImages), run, Device.CPU).train();
        assertEquals(6, r.steps(), "one pass over 6 negatives");
        List<JsonNode> log = JsonlReader.readTree(run.resolve(UnlearningTrainer.LOSS_LOG)).records();
        assertEquals(6, log.size());
        for (JsonNode line : log) {
            assertTrue(line.path("negative_capped").asBoolean(), "the cap 1e-3 is under every clause's cross-entropy: " + line);
            assertTrue(line.path("l_neg").asDouble() > 1e-3, line.toString());
        }
        Map<String, Tensor> before = PretrainedModels.load(taught, null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        Map<String, Tensor> after = PretrainedModels.load(r.model(), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        assertEquals(before.keySet(), after.keySet());
        for (var e : before.entrySet())
            assertArrayEquals(e.getValue().toFloatArray(), after.get(e.getKey()).toFloatArray(), 0f, e.getKey() + " moved");
    }
}

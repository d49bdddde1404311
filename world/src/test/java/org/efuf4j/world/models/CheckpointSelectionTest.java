package org.efuf4j.world.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointSelectionTest {
    private static final Map<String, Double> GOOD_POPE = Map.of("random", 0.92, "popular", 0.88, "adversarial", 0.81);

    private static CheckpointSelection.Checkpoint checkpoint(int step, double recall, Map<String, Double> pope) {
        return new CheckpointSelection.Checkpoint(step, 0.45, recall, 0.03, 0.0, pope);
    }

    @Test void moreGatesWinThenTheWeakestPopeSplitThenTheEarlierStep() {
        var allGates = checkpoint(300, 0.85, GOOD_POPE);
        assertEquals(5, allGates.gatesHeld());
        assertEquals(0.81, allGates.weakestPope(), 0);
        // a stronger weakest split does not make up for a gate: recall 0.5 fails one
        var lowRecall = checkpoint(400, 0.5, Map.of("random", 0.99, "popular", 0.99, "adversarial", 0.99));
        assertEquals(4, lowRecall.gatesHeld());
        assertTrue(allGates.betterThan(lowRecall));
        assertFalse(lowRecall.betterThan(allGates));
        // equal gates: the weakest split decides, not the mean (0.95 / 0.95 / 0.80 has the higher mean)
        var unevenPope = checkpoint(500, 0.85, Map.of("random", 0.95, "popular", 0.95, "adversarial", 0.80));
        assertTrue(allGates.betterThan(unevenPope));
        assertFalse(unevenPope.betterThan(allGates));
        // a tie keeps the earlier checkpoint
        assertFalse(checkpoint(600, 0.85, GOOD_POPE).betterThan(allGates));
    }

    @Test void theBestCheckpointsWeightsComeBackAfterLaterSteps() {
        World world = World.generate(WorldConfig.defaults().withImages(4, 2, 0));
        ClipVisionConfig vision = new ClipVisionConfig(32, 128, 32, 1, 2, 3, 64, 16, "quick_gelu", 1e-5, 0, 0.02, 1);
        LlavaForConditionalGeneration model = new LlavaForConditionalGeneration(
                CaptionerTrainer.config(CaptionerTrainer.Options.tiny(), vision, 100), new Random(3));
        model.freeze();
        model.multiModalProjector.unfreeze();
        CheckpointSelection selection = new CheckpointSelection(world, 10);
        assertTrue(selection.due(10, 35) && selection.due(35, 35) && !selection.due(11, 35));

        selection.offer(checkpoint(10, 0.85, GOOD_POPE), model);
        Map<String, float[]> kept = CheckpointSelection.snapshot(model);
        assertFalse(kept.isEmpty());
        assertTrue(kept.keySet().stream().allMatch(k -> k.startsWith("multi_modal_projector.")), "only the trainable weights: " + kept.keySet());
        perturb(model, 1);
        selection.offer(checkpoint(20, 0.85, Map.of("random", 0.5, "popular", 0.5, "adversarial", 0.5)), model); // worse: not kept
        perturb(model, 2);
        assertEquals(10, selection.restoreBest(model).step());
        CheckpointSelection.snapshot(model).forEach((name, values) -> assertArrayEquals(kept.get(name), values, 0f, name));

        perturb(model, 3);
        Map<String, float[]> better = CheckpointSelection.snapshot(model);
        selection.offer(checkpoint(30, 0.85, Map.of("random", 0.95, "popular", 0.93, "adversarial", 0.9)), model);
        perturb(model, 4);
        assertEquals(30, selection.restoreBest(model).step());
        CheckpointSelection.snapshot(model).forEach((name, values) -> assertArrayEquals(better.get(name), values, 0f, name));
        assertEquals(3, selection.measured().size());
    }

    /** A tiny captioner measured on the validation images every 10 of its 20 instruction steps keeps the better checkpoint. */
    @Test void trainingMeasuresItsCheckpointsOnValidationImagesAndKeepsTheBest(@TempDir Path dir) {
        World world = World.generate(WorldConfig.defaults().withImages(24, 6, 4));
        List<String> log = new ArrayList<>();
        CaptionerTrainer.Run run = new CaptionerTrainer(CaptionerTrainer.Options.tiny().withSelectEvery(10), log::add).train(world, dir.resolve("c"));
        assertEquals(List.of(10, 20), run.checkpoints().stream().map(CheckpointSelection.Checkpoint::step).toList());
        var first = run.checkpoints().get(0);
        var second = run.checkpoints().get(1);
        assertEquals(second.betterThan(first) ? second : first, run.selected());
        for (var c : run.checkpoints()) {
            for (double v : List.of(c.chairS(), c.recall(), c.repeatingShare(), c.unterminatedShare())) assertTrue(v >= 0 && v <= 1, c.line());
            assertEquals(List.of("random", "popular", "adversarial"), List.copyOf(c.popeF1().keySet()), c.line());
        }
        assertTrue(log.stream().anyMatch(l -> l.startsWith("captioner validation step 10: CHAIR_s ")), "validation lines: " + log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("captioner: keeping the checkpoint of instruction step " + run.selected().step())), "" + log);
        // the canonical line names the selection, so a cache entry trained without it is never taken for one trained with it
        assertTrue(CaptionerTrainer.Options.tiny().withSelectEvery(10).canonical().endsWith(" select=10 on validation"));
        assertFalse(CaptionerTrainer.Options.tiny().canonical().contains("select"));
    }

    /** Adds seeded noise to every trainable weight, as training steps would change them. */
    private static void perturb(LlavaForConditionalGeneration model, long seed) {
        Random random = new Random(seed);
        for (Parameter p : model.trainableParameters()) {
            float[] v = p.value().toFloatArray();
            for (int i = 0; i < v.length; i++) v[i] += (float) random.nextGaussian() * 0.1f;
            p.setValue(Tensor.of(v, p.shape()));
        }
    }
}

package org.efuf4j.world.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The base models the repository ships for the default world and the second world seed: the demo finds them, and re-running the first steps of
 * each of their trainings (from the manifest, at its thread count) gives the logged losses bit for bit and the weight
 * files their logged SHA-256. Whoever changes {@link WorldModels.Config#small()} or the world generator re-runs
 * {@code efuf world pretrain} and commits its output.
 */
class ShippedModelsTest {
    /** World seed 1 is the default world; seed 2 is the second world the acceptance runs on. */
    @ParameterizedTest(name = "world seed {0}")
    @ValueSource(longs = {1, 2})
    void theWorldsModelsAreShippedAndReproduce(long seed) {
        WorldConfig world = WorldConfig.defaults().withSeed(seed);
        WorldModels.Config config = WorldModels.Config.small();
        WorldModels.Layout layout = ShippedModels.find(world, config).orElseThrow(() -> new AssertionError(
                "no shipped models for world " + world.hash() + " and " + config.canonical() + " under " + ShippedModels.root()
                        + ": run efuf world pretrain --world-seed " + seed + " and commit pretrained/world-seed-" + seed));
        Path dir = layout.captioner().getParent();
        JsonNode manifest = ShippedModels.read(dir.resolve(Pretraining.MANIFEST));
        // efuf caption / evaluate ask the prompt a model directory records: the shipped captioner's must be the one its
        // gates were measured with (after instruction tuning it answers the short-caption prompt with "No")
        assertEquals(World.DESCRIPTION_PROMPT, org.efuf4j.models.pretrained.HfTokenizerFiles.readPrompt(layout.captioner()).orElseThrow().defaultPrompt());
        assertTrue(manifest.path("metrics").path("gates").size() == 5, "the manifest holds the quality gates");
        List<Pretraining.Replay> replays = Pretraining.replay(dir, World.generate(world), config, line -> {});
        assertEquals(List.of("scorer", "tower", "captioner"), replays.stream().map(Pretraining.Replay::training).toList());
        for (Pretraining.Replay r : replays) {
            assertTrue(r.logged().size() >= 3, r.training() + ": at least 3 logged steps re-run, got " + r.logged());
            assertTrue(r.lossesMatch(), r.training() + ": logged " + r.logged() + ", re-run " + r.rerun());
            assertTrue(r.weightsMatch(), r.training() + ": weights SHA-256 " + r.actualSha256() + ", manifest " + r.loggedSha256());
        }
    }
}

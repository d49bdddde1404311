package org.efuf4j.world.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.efuf.io.Json;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny pretrain output: BF16 Hugging Face folders, a manifest, and a replay that reproduces its first losses exactly. */
class PretrainingTest {
    @TempDir static Path tmp;
    static World world;
    static Path out;
    static JsonNode manifest;

    @BeforeAll static void pretrainOnce() {
        world = World.generate(WorldConfig.defaults().withImages(48, 0, 8));
        out = tmp.resolve("world-tiny");
        manifest = Pretraining.run(world, WorldModels.Config.tiny(), out, "test", line -> {});
    }

    @Test void writesBf16HuggingFaceFoldersAndAManifest() throws Exception {
        for (String dir : List.of("scorer", "tower", "captioner")) {
            for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json", "training.json"))
                assertTrue(Files.isRegularFile(out.resolve(dir).resolve(file)), dir + "/" + file);
            assertEquals("bfloat16", Json.MAPPER.readTree(out.resolve(dir).resolve("config.json").toFile()).path("torch_dtype").asText());
        }
        LlavaForConditionalGeneration llava = PretrainedModels.load(out.resolve("captioner"), null, Device.CPU, LlavaForConditionalGeneration.class);
        assertEquals(DType.BF16, llava.languageModel.lmHead == null ? llava.languageModel.model.embedTokens.weight.value().dtype()
                : llava.languageModel.lmHead.weight.value().dtype());
        assertEquals(world.config().hash(), manifest.path("world_hash").asText());
        assertEquals(WorldModels.Config.tiny().canonical(), manifest.path("config").asText());
        assertTrue(manifest.path("threads").asInt() >= 1);
        assertEquals(List.of("language", "alignment", "instruction"),
                iterable(manifest.path("trainings").path("captioner").path("first_losses").fieldNames()));
        assertEquals(Pretraining.LOGGED_STEPS, manifest.path("trainings").path("scorer").path("first_losses").path("all").size());
        assertTrue(manifest.path("metrics").path("gates").size() == 5, manifest.toPrettyString());
        assertFalse(Files.exists(tmp.resolve("world-tiny.partial")), "no partial folder is left behind");
    }

    @Test void replayReproducesTheFirstLossesBitForBitAndTheDigests() {
        List<Pretraining.Replay> replays = Pretraining.replay(out, world, WorldModels.Config.tiny(), line -> {});
        assertEquals(List.of("scorer", "tower", "captioner"), replays.stream().map(Pretraining.Replay::training).toList());
        for (Pretraining.Replay r : replays) {
            assertTrue(r.lossesMatch(), r.training() + ": logged " + r.logged() + ", re-run " + r.rerun());
            assertTrue(r.weightsMatch(), r.training());
        }
    }

    /** The check can fail: a loss off by one unit in the last place, or a changed weight file, is caught. */
    @Test void replayCatchesAChangedLossOrWeightFile() throws Exception {
        Path copy = tmp.resolve("tampered");
        Pretraining.copyTree(out, copy);
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(copy.resolve(Pretraining.MANIFEST).toFile());
        ArrayNode first = (ArrayNode) m.path("trainings").path("scorer").path("first_losses").path("all");
        float f = (float) first.get(0).asDouble();
        first.set(0, Json.MAPPER.getNodeFactory().numberNode((double) Math.nextUp(f)));
        Files.writeString(copy.resolve(Pretraining.MANIFEST), m.toPrettyString());
        byte[] weights = Files.readAllBytes(copy.resolve("tower/model.safetensors"));
        weights[weights.length - 1] ^= 1;
        Files.write(copy.resolve("tower/model.safetensors"), weights);
        List<Pretraining.Replay> replays = Pretraining.replay(copy, world, WorldModels.Config.tiny(), line -> {});
        assertFalse(replays.get(0).lossesMatch());
        assertTrue(replays.get(0).weightsMatch());
        assertTrue(replays.get(1).lossesMatch());
        assertFalse(replays.get(1).weightsMatch());
        var e = assertThrows(IllegalArgumentException.class,
                () -> Pretraining.replay(copy, world, WorldModels.Config.tiny().withScorer(WorldClipTrainer.Options.tiny().withSteps(13)), line -> {}));
        assertTrue(e.getMessage().contains("'config'"), e.getMessage());
    }

    /** A re-run takes what would train the same way and trains the rest; a changed tower takes its captioner with it. */
    @Test void reuseTakesTheModelsThatWouldTrainTheSameWay() throws Exception {
        Path again = tmp.resolve("again");
        JsonNode same = Pretraining.run(world, WorldModels.Config.tiny(), again, out, "test", line -> {});
        assertEquals(List.of("scorer", "tower", "captioner"), iterable(same.path("reused").elements()).stream().map(JsonNode::asText).toList());
        for (String model : List.of("scorer", "tower", "captioner"))
            assertEquals(manifest.path("trainings").path(model).path("weights_sha256").asText(),
                    same.path("trainings").path(model).path("weights_sha256").asText(), model);
        assertEquals(manifest.path("metrics"), same.path("metrics"), "the same models measure the same");

        WorldModels.Config otherScorer = WorldModels.Config.tiny().withScorer(WorldClipTrainer.Options.tiny().withSeed(7002));
        JsonNode scorerOnly = Pretraining.run(world, otherScorer, tmp.resolve("other-scorer"), out, "test", line -> {});
        assertEquals(List.of("tower", "captioner"), iterable(scorerOnly.path("reused").elements()).stream().map(JsonNode::asText).toList());
        assertFalse(manifest.path("trainings").path("scorer").path("weights_sha256").equals(scorerOnly.path("trainings").path("scorer").path("weights_sha256")));
        assertEquals(manifest.path("trainings").path("captioner"), scorerOnly.path("trainings").path("captioner"));

        WorldModels.Config otherTower = WorldModels.Config.tiny().withCaptionerVision(WorldClipTrainer.Options.tinyTower().withSeed(8002));
        JsonNode towerChanged = Pretraining.run(world, otherTower, tmp.resolve("other-tower"), out, "test", line -> {});
        assertEquals(List.of("scorer"), iterable(towerChanged.path("reused").elements()).stream().map(JsonNode::asText).toList());
        assertFalse(manifest.path("trainings").path("captioner").path("weights_sha256").equals(towerChanged.path("trainings").path("captioner").path("weights_sha256")),
                "the captioner trains again on the new tower");

        World other = World.generate(WorldConfig.defaults().withSeed(2).withImages(48, 0, 8));
        var e = assertThrows(IllegalArgumentException.class, () -> Pretraining.run(other, WorldModels.Config.tiny(), tmp.resolve("other-world"), out, "test", line -> {}));
        assertTrue(e.getMessage().contains("world_hash"), e.getMessage());
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

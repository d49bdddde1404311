package org.efuf4j.world.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.WorldImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both base models at the tiny configuration on a small world: trained once here, then reloaded and reused. */
class WorldModelsTest {
    @TempDir static Path cache;
    static World world;
    static WorldModels.Result first;
    static final List<String> log = new ArrayList<>();

    @BeforeAll static void trainOnce() {
        world = World.generate(WorldConfig.defaults().withImages(64, 0, 16));
        first = WorldModels.prepare(world, cache, WorldModels.Config.tiny(), line -> {
            log.add(line);
            System.out.println(line);
        });
    }

    @Test void firstCallTrainsBothAndReportsProgress() {
        assertTrue(first.scorerTrained());
        assertTrue(first.captionerTrained());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("clip step ") && l.contains("eta")), "clip progress lines: " + log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("captioner instruction step ") && l.contains("loss")), "captioner progress lines: " + log);
        for (CaptionerTrainer.Stage stage : CaptionerTrainer.Stage.values())
            assertTrue(log.stream().anyMatch(l -> l.startsWith("captioner " + stage.key + " step ")), stage.key + " progress: " + log);
    }

    /** The captioner's tower starts from its own pretrained CLIP, never from the scorer's. */
    @Test void captionerVisionTowerIsIndependentOfTheScorer() {
        LlavaForConditionalGeneration llava = PretrainedModels.load(first.captionerDir(), null, org.efuf4j.tensor.Device.CPU,
                LlavaForConditionalGeneration.class);
        ClipModel scorer = PretrainedModels.load(first.scorerDir(), null, org.efuf4j.tensor.Device.CPU, ClipModel.class);
        assertEquals(WorldClipTrainer.Options.tinyTower().patchSize(), llava.config().visionConfig().patchSize());
        assertFalse(scorer.config().visionConfig().patchSize() == llava.config().visionConfig().patchSize());
        assertTrue(llava.config().textConfig().vocabSize() > 0);
        // the seam the captioner's trainer reads: the cached tower (no second training), its weights in the LLaVA tower
        WorldModels.Tower tower = WorldModels.captionerTower(world, cache, WorldClipTrainer.Options.tinyTower(), line -> {});
        assertFalse(tower.trained(), "prepare() trained the tower already");
        Path towerDir = tower.dir();
        assertEquals(first.captionerDir().getParent(), towerDir.getParent());
        var llavaTower = llava.visionTower.stateDict();
        tower.visionModel().stateDict().forEach((name, weights) -> assertArrayEquals(weights.toFloatArray(),
                llavaTower.get("vision_model." + name).toFloatArray(), "the captioner keeps the tower frozen: " + name));
        assertTrue(WorldModels.trainingLog(towerDir).losses().size() == WorldClipTrainer.Options.tinyTower().steps());
        // the stages' losses are kept apart, in training order, and make up the whole log
        WorldModels.TrainingLog captionerLog = WorldModels.trainingLog(first.captionerDir());
        CaptionerTrainer.Options o = WorldModels.Config.tiny().captioner();
        assertEquals(List.of("language", "alignment", "instruction"), List.copyOf(captionerLog.stages().keySet()));
        assertEquals(o.languageSteps(), captionerLog.stages().get("language").size());
        assertEquals(o.alignSteps(), captionerLog.stages().get("alignment").size());
        assertEquals(o.steps(), captionerLog.stages().get("instruction").size());
        assertEquals(captionerLog.losses(), captionerLog.stages().values().stream().flatMap(List::stream).toList());
    }

    @Test void trainingReducesTheLoss() {
        for (Path dir : List.of(first.scorerDir(), first.captionerDir())) {
            List<Double> losses = WorldModels.trainingLog(dir).losses();
            double head = mean(losses.subList(0, 3)), tail = mean(losses.subList(losses.size() - 3, losses.size()));
            assertTrue(tail < 0.9 * head, dir.getFileName() + ": loss should fall by 10%+, first steps " + head + ", last " + tail);
        }
    }

    @Test void captionerDirectoryReloadsAsLlavaAndDescribesImages() throws Exception {
        Path dir = first.captionerDir();
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), "missing " + f);
        }
        LlavaForConditionalGeneration llava = assertInstanceOf(LlavaForConditionalGeneration.class, PretrainedModels.load(dir));
        Tokenizer tokenizer = Tokenizers.load(dir);
        assertEquals(llava.config().imageTokenIndex(), tokenizer.tokenToId("<image>"));
        assertEquals(tokenizer.vocabSize(), llava.config().textConfig().vocabSize());
        WorldCaptioner captioner = WorldCaptioner.load(dir);
        List<WorldImage> images = world.images(Split.EVAL).subList(0, 3);
        List<String> greedy = captioner.answer(images, World.CAPTION_PROMPT, captioner.generation(16, Decoding.GREEDY));
        assertEquals(3, greedy.size());
        assertTrue(greedy.stream().anyMatch(s -> !s.isBlank()), "captions: " + greedy);
        // greedy decoding of the same weights is deterministic
        assertEquals(greedy, captioner.answer(images, World.CAPTION_PROMPT, captioner.generation(16, Decoding.GREEDY)));
    }

    @Test void scorerDirectoryReloadsAsClipAndPoolsAtEndOfText() throws Exception {
        Path dir = first.scorerDir();
        ClipModel clip = assertInstanceOf(ClipModel.class, PretrainedModels.load(dir));
        Tokenizer tokenizer = Tokenizers.load(dir);
        int[] ids = tokenizer.encode("a dog");
        assertEquals(tokenizer.tokenToId("<s>"), ids[0]);
        assertEquals(clip.config().textConfig().eosTokenId(), ids[ids.length - 1], "the text ends with <|endoftext|>");
        assertEquals(tokenizer.tokenToId("<|endoftext|>"), clip.config().textConfig().eosTokenId());
        WorldModels.Scorer scorer = new WorldModels.Scorer(dir, world.config().imageSize());
        double s = scorer.score(world.images().getFirst(), "a dog");
        assertTrue(s >= -1.0001 && s <= 1.0001, "a cosine similarity, got " + s);
    }

    @Test void secondCallReusesTheCache() throws Exception {
        FileTime scorerTime = Files.getLastModifiedTime(first.scorerDir().resolve("model.safetensors"));
        FileTime captionerTime = Files.getLastModifiedTime(first.captionerDir().resolve("model.safetensors"));
        List<String> secondLog = new ArrayList<>();
        WorldModels.Result second = WorldModels.prepare(world, cache, WorldModels.Config.tiny(), secondLog::add);
        assertFalse(second.scorerTrained());
        assertFalse(second.captionerTrained());
        assertFalse(secondLog.stream().anyMatch(l -> l.contains(" step ")), "no training steps on reuse: " + secondLog);
        assertEquals(first.scorerDir(), second.scorerDir());
        assertEquals(scorerTime, Files.getLastModifiedTime(second.scorerDir().resolve("model.safetensors")));
        assertEquals(captionerTime, Files.getLastModifiedTime(second.captionerDir().resolve("model.safetensors")));
        assertEquals(first.metrics(), second.metrics());
        // keyed by the world: another world's models would live elsewhere
        assertTrue(first.scorerDir().startsWith(cache.resolve("world-" + world.config().hash())));
        assertTrue(first.captionerDir().startsWith(cache.resolve("world-" + world.config().hash())));
    }

    @Test void metricsAreFiniteProbabilities() {
        WorldModels.Metrics m = first.metrics();
        assertEquals(16, m.captions());
        for (double v : new double[] {m.chairS(), m.chairI(), m.recall(), m.scorerGroupMateAuc(), m.probeAuc()}) {
            assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, "metric out of [0, 1]: " + m);
        }
        // defined exactly when the captioner's mentions hold both kinds
        assertEquals(m.presentMentions() > 0 && m.hallucinatedMentions() > 0, Double.isFinite(m.scorerAuc()), m.toString());
        assertTrue(Double.isFinite(m.mentionsPerCaption()) && m.scorerTrainSeconds() > 0 && m.captionerTrainSeconds() > 0);
    }

    private static double mean(List<Double> v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.size();
    }
}

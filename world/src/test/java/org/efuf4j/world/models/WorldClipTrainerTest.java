package org.efuf4j.world.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.clip.ClipTrainer;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Device;
import org.efuf4j.world.Catalogue;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.WorldImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The world's CLIP training on the object loss, and the perception gates it is measured by. */
class WorldClipTrainerTest {
    static World world;

    @BeforeAll static void smallWorld() {
        world = World.generate(WorldConfig.defaults().withImages(80, 0, 40).withScenes(List.of("kitchen", "street")));
    }

    /** Scores that know the truth reach AUC 1, scores that invert it 0, and scores that know nothing 0.5. */
    @Test void scorerAucsOnKnownCases() {
        List<WorldImage> eval = world.images(Split.EVAL);
        PerceptionGates.Scorer oracle = (image, text) -> present(image, text) ? 1 : 0;
        assertEquals(1.0, PerceptionGates.objectAuc(eval, world.categoryNames(), oracle), 1e-12);
        assertEquals(1.0, PerceptionGates.groupMateAuc(eval, oracle), 1e-12);
        assertEquals(0.0, PerceptionGates.objectAuc(eval, world.categoryNames(), (image, text) -> -oracle.score(image, text)), 1e-12);
        assertEquals(0.5, PerceptionGates.groupMateAuc(eval, (image, text) -> 7), 1e-12);
    }

    /** Features holding each category's presence make every probe separate; features of noise leave it near chance. */
    @Test void probeAucOnKnownCases() {
        List<String> categories = world.categoryNames();
        Random noise = new Random(4);
        double separable = PerceptionGates.probeAuc(world, images -> {
            float[][] x = new float[images.size()][categories.size() + 3];
            for (int i = 0; i < images.size(); i++) {
                for (int c = 0; c < categories.size(); c++) x[i][c] = images.get(i).categories().contains(categories.get(c)) ? 1 : 0;
                for (int k = 0; k < 3; k++) x[i][categories.size() + k] = (float) noise.nextGaussian();
            }
            return x;
        }, 80);
        assertTrue(separable > 0.99, "presence features, probe AUC " + separable);
        Random r = new Random(5);
        double chance = PerceptionGates.probeAuc(world, images -> {
            float[][] x = new float[images.size()][8];
            for (float[] row : x) for (int k = 0; k < row.length; k++) row[k] = (float) r.nextGaussian();
            return x;
        }, 80);
        assertTrue(chance > 0.3 && chance < 0.7, "noise features, probe AUC " + chance);
    }

    private static boolean present(WorldImage image, String phrase) {
        for (String c : image.categories()) if (phrase.equals(ObjectPhrases.forTerm(c))) return true;
        return false;
    }

    /** The object loss covers every category of the world, each under its name and every synonym, with its targets. */
    @Test void objectPromptsNameEveryCategoryAndItsSynonyms() {
        ClipTrainer.ObjectLoss loss = WorldClipTrainer.Options.tiny().objectLoss(world);
        assertEquals(world.categoryNames(), List.copyOf(loss.prompts().keySet()));
        Map<String, List<String>> prompts = loss.prompts();
        // with caption forms (the scorer's default): every form a caption writes, plural and "TV" included
        assertEquals(List.of("a car", "a cars", "a sedan", "a sedans", "a van", "a vans"), prompts.get("car"));
        for (String c : world.categoryNames())
            assertEquals(Catalogue.category(c).forms().stream().map(f -> "a " + f).toList(), prompts.get(c), c);
        assertEquals(List.of("tv", "TV", "tvs", "TVs", "television", "televisions"), Catalogue.category("tv").forms());
        assertEquals(List.of("knife", "knives"), Catalogue.category("knife").forms().subList(0, 2));
        // the categories' terms alone (the captioner's tower, trained before the forms existed)
        Map<String, List<String>> terms = WorldClipTrainer.Options.tiny().withCaptionForms(false).objectLoss(world).prompts();
        assertEquals(List.of("a car", "a sedan", "a van"), terms.get("car"));
        for (String c : world.categoryNames()) assertEquals(1 + Catalogue.category(c).synonyms().size(), terms.get(c).size(), c);
        assertEquals(1.0, loss.weight());
        assertEquals(WorldClipTrainer.Options.tiny().captionWeight(), loss.captionWeight());
        assertEquals(null, WorldClipTrainer.Options.tiny().withLosses(0, 1).objectLoss(world));
        // the object loss alone: one example per image, which knows its objects
        var examples = WorldClipTrainer.imageExamples(world.images(Split.TRAIN));
        assertEquals(world.images(Split.TRAIN).size(), examples.list().size());
        assertEquals(world.images(Split.TRAIN).getFirst().categories(), examples.list().getFirst().objects());
    }

    /**
     * The sigmoid loss starts every pair at the share of (training image, category) pairs that are present, so neither
     * the present nor the absent pairs start at their target; SigLIP's own start (bias -10) is far below it.
     */
    @Test void objectLossStartsAtThePresentShare() {
        ClipTrainer.ObjectLoss loss = WorldClipTrainer.Options.tiny().objectLoss(world);
        int present = 0, pairs = 0;
        for (WorldImage image : world.images(Split.TRAIN))
            for (String c : world.categoryNames()) {
                pairs++;
                if (image.objects().stream().anyMatch(o -> o.category().equals(c))) present++;
            }
        double share = (double) present / pairs;
        assertEquals(share, 1 / (1 + Math.exp(-loss.initBias())), 1e-9);
        assertTrue(share > 0.1 && share < 0.6, "3-5 of a scene's categories an image, 2 scenes: share " + share);
        assertEquals(Math.log(10), loss.initScale(), 1e-12);
    }

    /** Two trainings at the same seed and thread count give the same losses and weights, bit for bit. */
    @Test void trainingIsDeterministic(@TempDir Path dir) {
        WorldClipTrainer.Options options = WorldClipTrainer.Options.tiny().withSteps(4).withLosses(1.0, 0.0);
        WorldClipTrainer.Run a = new WorldClipTrainer(options, line -> {}).train(world, dir.resolve("a"));
        WorldClipTrainer.Run b = new WorldClipTrainer(options, line -> {}).train(world, dir.resolve("b"));
        assertEquals(a.losses(), b.losses());
        assertEquals(a.objectBias(), b.objectBias());
        assertEquals(a.perception(), b.perception());
        ClipModel ma = PretrainedModels.load(a.dir(), null, Device.CPU, ClipModel.class), mb = PretrainedModels.load(b.dir(), null, Device.CPU, ClipModel.class);
        var wb = mb.stateDict();
        ma.stateDict().forEach((name, t) -> assertArrayEquals(t.toFloatArray(), wb.get(name).toFloatArray(), name));
        assertTrue(a.threads() >= 1 && a.seconds() > 0);
        assertTrue(Double.isFinite(a.objectScale()) && a.objectScale() > 0, "temperature " + a.objectScale());
    }

    /** The tower's features: the last layer's patch tokens (class token dropped), averaged per image. */
    @Test void patchFeaturesAverageTheLastLayersPatchTokens() {
        var options = WorldClipTrainer.Options.tinyTower();
        ClipModel clip = ClipTrainer.newModel(WorldClipTrainer.config(options, world.config().imageSize(), 50), 3);
        var processor = WorldPixels.processor(world.config().imageSize());
        List<WorldImage> images = world.images(Split.EVAL).subList(0, 3);
        float[][] features = PerceptionGates.patchFeatures(clip, processor, images);
        try (NoGrad scope = NoGrad.enter()) {
            var hidden = clip.visionModel.forward(WorldPixels.batch(images.subList(1, 2), processor)).hiddenStates().getLast();
            int tokens = hidden.dim(1), d = hidden.dim(2);
            float[] flat = hidden.value().toFloatArray();
            assertEquals(1 + (world.config().imageSize() / options.patchSize()) * (world.config().imageSize() / options.patchSize()), tokens);
            for (int k = 0; k < d; k++) {
                double sum = 0;
                for (int t = 1; t < tokens; t++) sum += flat[t * d + k];
                assertEquals(sum / (tokens - 1), features[1][k], 1e-5, "feature " + k);
            }
        }
        assertEquals(3, features.length);
    }
}

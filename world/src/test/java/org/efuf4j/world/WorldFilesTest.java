package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.efuf4j.efuf.eval.CocoAnnotations;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.PopeFiles;
import org.efuf4j.efuf.eval.PopeQuestion;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written files read back through the efuf readers as the same world. */
class WorldFilesTest {
    @TempDir
    static Path dir;
    static World world;
    static WorldFiles files;

    @BeforeAll
    static void write() {
        world = World.generate(WorldConfig.defaults().withImages(90, 30, 60).withSeed(3));
        files = world.writeTo(dir);
    }

    @Test
    void cocoInstancesReadBackAsTheGroundTruth() {
        for (Split split : Split.values()) {
            GroundTruth.Builder read = GroundTruth.builder();
            CocoAnnotations.addInstances(files.split(split).instances(), ObjectVocabulary.coco(), read);
            assertSameTruth(world.groundTruth(split), read.build());
            GroundTruth.Builder viaChairList = GroundTruth.builder();
            CocoAnnotations.addInstances(files.split(split).instances(),
                    ObjectVocabulary.fromChairSynonyms(org.efuf4j.efuf.objects.SharedFiles.chairSynonyms()), viaChairList);
            assertSameTruth(world.groundTruth(split), viaChairList.build());
        }
    }

    @Test
    void cocoInstancesCarryBoxesAndCocoCategoryIds() throws IOException {
        JsonNode root = Json.MAPPER.readTree(files.split(Split.TRAIN).instances().toFile());
        Map<Integer, String> categories = new HashMap<>();
        for (JsonNode c : root.get("categories")) {
            categories.put(c.get("id").asInt(), c.get("name").asText());
        }
        assertEquals(37, categories.size());
        assertEquals("dog", categories.get(18));
        assertEquals("dining table".equals(categories.get(67)), false);
        List<WorldObject> expected = new ArrayList<>();
        for (WorldImage image : world.images(Split.TRAIN)) {
            expected.addAll(image.objects());
        }
        JsonNode annotations = root.get("annotations");
        assertEquals(expected.size(), annotations.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode a = annotations.get(i);
            WorldObject o = expected.get(i);
            assertEquals(o.category(), categories.get(a.get("category_id").asInt()));
            assertEquals(List.of(o.x(), o.y(), o.width(), o.height()),
                    List.of(a.get("bbox").get(0).asInt(), a.get("bbox").get(1).asInt(), a.get("bbox").get(2).asInt(),
                            a.get("bbox").get(3).asInt()));
            assertEquals(o.area(), a.get("area").asInt());
            assertEquals(0, a.get("iscrowd").asInt());
            assertEquals(o.occluded(), a.get("occluded").asBoolean());
        }
    }

    @Test
    void objectsJsonlReadsBackAsTheGroundTruth() {
        for (Split split : Split.values()) {
            GroundTruth.Builder read = GroundTruth.builder();
            CocoAnnotations.addObjectsJsonl(files.split(split).objects(), ObjectVocabulary.coco(), read);
            assertSameTruth(world.groundTruth(split), read.build());
        }
    }

    @Test
    void captionsFileHoldsTheReferences() {
        Map<String, List<String>> read = CocoAnnotations.readCaptions(files.split(Split.EVAL).captions());
        assertEquals(world.images(Split.EVAL).size(), read.size());
        for (WorldImage image : world.images(Split.EVAL)) {
            List<String> texts = new ArrayList<>();
            image.references().forEach(c -> texts.add(c.text()));
            assertEquals(texts, read.get(image.imageId()));
        }
        // CHAIR's caption-derived ground truth never adds an object the instances lack
        GroundTruth.Builder fromCaptions = GroundTruth.builder();
        CocoAnnotations.addCaptionObjects(files.split(Split.EVAL).captions(),
                new ObjectExtractor(ObjectVocabulary.coco()), fromCaptions);
        GroundTruth truth = world.groundTruth(Split.EVAL);
        GroundTruth captions = fromCaptions.build();
        for (String id : truth.imageIds()) {
            assertTrue(truth.objects(id).orElseThrow().containsAll(captions.objects(id).orElseThrow()), id);
        }
    }

    @Test
    void imagesAreThePixels() throws IOException {
        for (Split split : Split.values()) {
            for (WorldImage image : world.images(split)) {
                BufferedImage read = ImageIO.read(files.split(split).image(image).toFile());
                assertEquals(image.size(), read.getWidth());
                int[] pixels = read.getRGB(0, 0, image.size(), image.size(), null, 0, image.size());
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] &= 0xFFFFFF;
                }
                assertArrayEquals(image.rgb(), pixels, "image " + image.id());
            }
        }
        assertTrue(ImageIO.read(files.sample().toFile()).getWidth() > 6 * 192);
    }

    @Test
    void popeFilesAskAboutTheGroundTruth() {
        GroundTruth truth = world.groundTruth(Split.EVAL);
        for (PopeSampler.Strategy strategy : PopeSampler.Strategy.values()) {
            List<PopeQuestion> questions = PopeFiles.read(files.split(Split.EVAL).pope(strategy));
            assertTrue(questions.size() >= 6 * 40, strategy + ": " + questions.size());
            int mates = 0;
            int no = 0;
            for (PopeQuestion q : questions) {
                Set<String> objects = truth.objects(q.imageId()).orElseThrow();
                assertEquals(objects.contains(q.object()), q.present(), q.toString());
                if (!q.present()) {
                    no++;
                    String scene = world.images().get(Integer.parseInt(q.imageId()) - 1).scene();
                    mates += Catalogue.scene(scene).categories().contains(q.object()) ? 1 : 0;
                }
            }
            assertEquals(questions.size() / 2, no);
            if (strategy == PopeSampler.Strategy.ADVERSARIAL) {
                // co-occurrence is the scene: the adversarial absent objects are the image's group-mates
                assertTrue(mates > 0.6 * no, "group-mates among adversarial negatives: " + mates + " of " + no);
            }
        }
    }

    @Test
    void captionerAndQaFilesMatchTheWorld() {
        WorldFiles.SplitFiles train = files.split(Split.TRAIN);
        List<JsonNode> rows = JsonlReader.readTree(train.captioner()).records();
        List<WorldCaption> expected = new ArrayList<>();
        List<WorldImage> owners = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        for (WorldImage image : world.images(Split.TRAIN)) {
            expected.addAll(image.trainingCaptions());
            image.trainingCaptions().forEach(c -> { owners.add(image); prompts.add(World.CAPTION_PROMPT); });
            expected.addAll(image.descriptions());
            image.descriptions().forEach(c -> { owners.add(image); prompts.add(World.DESCRIPTION_PROMPT); });
        }
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            assertEquals(expected.get(i).text(), row.get("caption").asText());
            assertEquals(prompts.get(i), row.get("prompt").asText());
            assertEquals(owners.get(i).id(), row.get("image_id").asLong());
            assertTrue(Files.isRegularFile(train.dir().resolve(row.get("image").asText())));
            assertEquals(expected.get(i).absent().size(), row.get("absent").size());
        }
        GroundTruth truth = world.groundTruth(Split.TRAIN);
        int yes = 0;
        int no = 0;
        for (JsonNode row : JsonlReader.readTree(train.qa()).records()) {
            String object = row.get("object").asText();
            boolean present = truth.objects(row.get("image_id").asText()).orElseThrow().contains(object);
            assertEquals(present ? "Yes" : "No", row.get("answer").asText());
            assertEquals("Is there a " + object + " in the image?", row.get("prompt").asText());
            yes += present ? 1 : 0;
            no += present ? 0 : 1;
        }
        // one "no" per present object (group-mates and other scenes' objects), and one about a category the world never draws
        assertEquals(yes + world.images(Split.TRAIN).size(), no, "balanced yes/no questions plus one outside the world per image");
    }

    @Test
    void worldJsonDescribesTheConfiguration() throws IOException {
        JsonNode root = Json.MAPPER.readTree(files.worldJson().toFile());
        assertEquals(world.config().hash(), root.get("hash").asText());
        assertEquals(world.config().seed(), root.get("config").get("seed").asLong());
        assertEquals(37, root.get("categories").size());
        assertEquals(world.hallucinatingCaptionRate(Split.TRAIN),
                root.get("stats").get("train").get("hallucinating_caption_rate").asDouble(), 1e-12);
    }

    @Test
    void completenessIsTiedToTheConfiguration() {
        assertTrue(files.isCompleteFor(world.config()));
        assertTrue(!files.isCompleteFor(world.config().withSeed(4)));
        assertTrue(!new WorldFiles(dir.resolve("nothing-here")).isCompleteFor(world.config()));
    }

    private static void assertSameTruth(GroundTruth expected, GroundTruth actual) {
        assertEquals(expected.imageIds(), actual.imageIds());
        for (String id : expected.imageIds()) {
            assertEquals(expected.objects(id), actual.objects(id), "image " + id);
        }
    }
}

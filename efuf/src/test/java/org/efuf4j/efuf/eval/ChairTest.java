package org.efuf4j.efuf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.objects.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChairTest {
    private static final ObjectVocabulary VOCAB = ObjectVocabulary.fromChairSynonyms(SharedFiles.chairSynonyms());
    private static final ObjectExtractor EXTRACTOR = new ObjectExtractor(VOCAB);

    @TempDir
    Path dir;

    private static GroundTruth truth() {
        return GroundTruth.builder()
                .add("1", "dog").add("1", "frisbee").add("1", "person")
                .add("2", "toilet").add("2", "sink")
                .add("3", "elephant")
                .build();
    }

    @Test
    void countsHallucinatedMentionsAndCaptions() {
        Chair chair = new Chair(EXTRACTOR, truth());
        ChairReport report = chair.evaluate(List.of(
                // dog, frisbee, person real; cat hallucinated -> 1 of 4
                new GeneratedCaption("1", "A man throws a frisbee to his dog while a cat watches."),
                // toilet seat -> toilet, "seat" dropped once a toilet is mentioned: nothing hallucinated
                new GeneratedCaption("2", "A toilet seat is up and a seat is next to the toilet."),
                // baby elephant is no person; tree is no object; giraffe and giraffes hallucinated twice
                new GeneratedCaption("3", "A baby elephant near a tree, two giraffes and a giraffe.")));
        // mentions: 4 + 2 (toilet, toilet) + 3 (elephant, giraffe, giraffe) = 9, hallucinated: 1 + 0 + 2 = 3
        assertEquals(9, report.mentionCount());
        assertEquals(3, report.hallucinatedMentionCount());
        assertEquals(3.0 / 9, report.chairI(), 1e-12);
        assertEquals(2.0 / 3, report.chairS(), 1e-12);
        // recall: image1 3/3 categories, image2 toilet of {toilet, sink}, image3 elephant -> (3+1+1)/(3+2+1)
        assertEquals(5.0 / 6, report.recall(), 1e-12);

        CaptionChair first = report.captions().getFirst();
        assertEquals(List.of("person", "frisbee", "dog", "cat"),
                first.mentions().stream().map(m -> m.object()).toList());
        assertEquals("cat", first.hallucinated().getFirst().object());
        assertEquals(0.25, first.chairI(), 1e-12);
        assertTrue(first.hallucinates());
        CaptionChair second = report.captions().get(1);
        assertFalse(second.hallucinates());
        assertEquals(Set.of("toilet"), second.recalled());
        assertEquals(0.5, second.recall(), 1e-12);
    }

    @Test
    void captionWithoutObjectsNeitherHallucinatesNorDividesByZero() {
        ChairReport report = new Chair(EXTRACTOR, truth()).evaluate(List.of(new GeneratedCaption("3", "Nothing here.")));
        assertEquals(0, report.chairS());
        assertEquals(0, report.chairI());
        assertEquals(0, report.mentionCount());
    }

    @Test
    void imageWithoutGroundTruthIsAnError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Chair(EXTRACTOR, truth()).evaluate("99", "A dog."));
        assertTrue(e.getMessage().contains("image 99 has no ground truth"), e.getMessage());
    }

    @Test
    void groundTruthFromCocoInstancesAndReferenceCaptions() throws Exception {
        Path instances = dir.resolve("instances.json");
        Files.writeString(instances, """
                {"images": [{"id": 10}, {"id": 11}, {"id": 12}],
                 "categories": [{"id": 18, "name": "dog"}, {"id": 67, "name": "dining table"}, {"id": 1, "name": "person"}],
                 "annotations": [{"image_id": 10, "category_id": 18}, {"image_id": 10, "category_id": 18},
                                 {"image_id": 11, "category_id": 67}]}
                """);
        Path captions = dir.resolve("captions.json");
        Files.writeString(captions, """
                {"images": [{"id": 10}, {"id": 11}],
                 "annotations": [{"image_id": 10, "caption": "A puppy on a couch."},
                                 {"image_id": 11, "caption": "Plates on a desk near two women."}]}
                """);
        GroundTruth.Builder builder = GroundTruth.builder();
        CocoAnnotations.addInstances(instances, VOCAB, builder);
        CocoAnnotations.addCaptionObjects(captions, EXTRACTOR, builder);
        GroundTruth gt = builder.build();
        assertEquals(Set.of("dog", "couch"), gt.objects("10").orElseThrow());
        assertEquals(Set.of("dining table", "person"), gt.objects("11").orElseThrow());
        assertEquals(Set.of(), gt.objects("12").orElseThrow()); // known image without objects
        assertFalse(gt.contains("13"));

        // reference-caption objects count as present, as in CHAIR
        CaptionChair c = new Chair(EXTRACTOR, gt).evaluate("10", "A dog sleeps on a sofa next to a cat.");
        assertEquals(List.of("cat"), c.hallucinated().stream().map(m -> m.object()).toList());
    }

    @Test
    void groundTruthFromJsonlAndBadCategoryIds() throws Exception {
        Path jsonl = dir.resolve("gt.jsonl");
        Files.writeString(jsonl, """
                {"image_id": "COCO_val2014_000000000042.jpg", "objects": ["dog", "Knives", "cell phone"]}
                {"image_id": 7, "objects": []}
                """);
        GroundTruth.Builder builder = GroundTruth.builder();
        CocoAnnotations.addObjectsJsonl(jsonl, VOCAB, builder);
        GroundTruth gt = builder.build();
        assertEquals(Set.of("dog", "knife", "cell phone"), gt.objects("COCO_val2014_000000000042.jpg").orElseThrow());
        assertEquals(Set.of(), gt.objects("7").orElseThrow());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {"images": [], "categories": [{"id": 18, "name": "dog"}],
                 "annotations": [{"image_id": 1, "category_id": 5}]}
                """);
        var e = assertThrows(IllegalArgumentException.class,
                () -> CocoAnnotations.addInstances(bad, VOCAB, GroundTruth.builder()));
        assertTrue(e.getMessage().contains("annotations[0]: category_id 5 is not among"), e.getMessage());
    }

    @Test
    void writesJsonWithOverallMetricsAndMarkedMentions() throws Exception {
        Path captionsFile = dir.resolve("generated.jsonl");
        Files.writeString(captionsFile, """
                {"image_id": 1, "text": "A dog and a cat."}
                {"image_id": 3, "text": "An elephant."}
                """);
        List<GeneratedCaption> captions = GeneratedCaption.read(captionsFile, "image_id", "text");
        Path asArray = dir.resolve("generated.json");
        Files.writeString(asArray, """
                 [{"image_id": 1, "text": "A dog and a cat."}, {"image_id": 3, "text": "An elephant."}]
                """);
        assertEquals(captions, GeneratedCaption.read(asArray, "image_id", "text"));
        ChairReport report = new Chair(EXTRACTOR, truth()).evaluate(captions);
        Path out = dir.resolve("out/chair.json");
        ChairJson.write(report, out);
        JsonNode json = Json.MAPPER.readTree(out.toFile());
        assertEquals(0.5, json.at("/overall_metrics/CHAIRs").asDouble(), 1e-12);
        assertEquals(1.0 / 3, json.at("/overall_metrics/CHAIRi").asDouble(), 1e-12);
        JsonNode first = json.at("/sentences/0");
        assertEquals("1", first.get("image_id").asText());
        assertEquals("cat", first.at("/mscoco_hallucinated_words/0").asText());
        JsonNode cat = first.at("/mentions/1");
        assertEquals("cat", cat.get("surface").asText());
        assertEquals(12, cat.get("start").asInt());
        assertTrue(cat.get("hallucinated").asBoolean());
        assertFalse(first.at("/mentions/0/hallucinated").asBoolean());
    }
}

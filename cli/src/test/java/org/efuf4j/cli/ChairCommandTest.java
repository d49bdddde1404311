package org.efuf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.efuf.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code efuf evaluate chair} on hand-made captions and annotations, against hand-counted CHAIR. */
class ChairCommandTest {
    @TempDir Path tmp;

    record Run(int rc, String out, String err) {}

    static Run efuf(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = EfufCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("efuf: " + ex.getMessage());
            return 1;
        });
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new Run(cli.execute(args), out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    /**
     * Image 1 has a dog and a cat; its caption mentions dog (real) and car (hallucinated). Image 2 has a person;
     * "a man" is that person. CHAIR_s = 1/2, CHAIR_i = 1/3, recall = (dog + person) / (dog, cat, person) = 2/3.
     */
    @Test
    void chairOfHandMadeFiles() throws Exception {
        Path captions = tmp.resolve("captions.jsonl"), annotations = tmp.resolve("objects.jsonl"), report = tmp.resolve("chair.json");
        Files.writeString(captions, """
                {"image_id": 1, "caption": "A dog sits next to a red car."}
                {"image_id": "2", "caption": "A man is standing."}
                """);
        Files.writeString(annotations, """
                {"image_id": 1, "objects": ["dog", "cat"]}
                {"image_id": 2, "objects": ["person"]}
                """);
        Run r = efuf("evaluate", "chair", "--captions", captions.toString(), "--annotations", annotations.toString(), "--out", report.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("CHAIR_s=0.5000 CHAIR_i=0.3333 recall=0.6667"), r.out());
        JsonNode json = Json.MAPPER.readTree(report.toFile());
        assertEquals(0.5, json.at("/overall_metrics/CHAIRs").asDouble(), 1e-12);
        assertEquals(1.0 / 3, json.at("/overall_metrics/CHAIRi").asDouble(), 1e-12);
        assertEquals(2.0 / 3, json.at("/overall_metrics/Recall").asDouble(), 1e-12);
        assertEquals("car", json.at("/sentences/0/mscoco_hallucinated_words/0").asText());
        assertEquals(0, json.at("/sentences/1/mscoco_hallucinated_words").size());
    }

    @Test
    void captionOfAnImageWithoutAnnotationsIsAClearError() throws Exception {
        Path captions = tmp.resolve("c.jsonl"), annotations = tmp.resolve("a.jsonl");
        Files.writeString(captions, "{\"image_id\": 7, \"caption\": \"A dog.\"}\n");
        Files.writeString(annotations, "{\"image_id\": 1, \"objects\": [\"dog\"]}\n");
        Run r = efuf("evaluate", "chair", "--captions", captions.toString(), "--annotations", annotations.toString());
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("7"), r.err());
    }

    /** A caption file with an image twice: CHAIR counts both, and the user is told (it was counted twice silently). */
    @Test
    void duplicateImageIdsAreCountedAndReported() throws Exception {
        Path captions = tmp.resolve("dup.jsonl"), annotations = tmp.resolve("a.jsonl");
        Files.writeString(captions, """
                {"image_id": 1, "caption": "A dog and a car."}
                {"image_id": 2, "caption": "A man."}
                {"image_id": "1", "caption": "A dog and a car."}
                """);
        Files.writeString(annotations, "{\"image_id\": 1, \"objects\": [\"dog\"]}\n{\"image_id\": 2, \"objects\": [\"person\"]}\n");
        Run r = efuf("evaluate", "chair", "--captions", captions.toString(), "--annotations", annotations.toString(), "--out", tmp.resolve("r.json").toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("warning: 1 image id(s)") && r.err().contains("1 (2x)") && r.err().contains("one caption per image"), r.err());
        assertTrue(r.out().contains("captions=3"), "every caption still counts, as CHAIR tools do: " + r.out());
    }
}

package org.efuf4j.efuf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.efuf4j.efuf.train.ValidationStopping.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stopping rule of the validation-stopped schedule on hand-made validation curves. */
class ValidationStoppingTest {
    private static Point p(long step, double chairS, double chairI, double recall) { return new Point(step, chairS, chairI, recall); }

    @Test
    void choosesTheLowestChairWhoseRecallStaysWithinTheLimit() {
        // the prototype's shape: CHAIR falls, then recall collapses as unlearning overshoots
        List<Point> curve = List.of(p(0, 0.60, 0.16, 0.97), p(20, 0.40, 0.10, 0.965), p(40, 0.19, 0.06, 0.955),
                p(60, 0.05, 0.02, 0.90), p(80, 0.02, 0.01, 0.82));
        assertEquals(2, ValidationStopping.choose(curve, 0.03), "step 60 lowers CHAIR more but loses 7 points of recall");
        assertEquals(4, ValidationStopping.choose(curve, 0.20), "a loose limit lets the run go to the end");
        assertEquals(1, ValidationStopping.choose(curve, 0.005 + 1e-9), "recall 0.965 is within half a point of 0.97");
    }

    @Test
    void theStartingModelWinsWhenUnlearningOnlyHurts() {
        List<Point> worse = List.of(p(0, 0.30, 0.10, 0.80), p(10, 0.35, 0.12, 0.80), p(20, 0.10, 0.05, 0.60));
        assertEquals(0, ValidationStopping.choose(worse, 0.03));
    }

    @Test
    void tiesGoToTheLowerChairIThenTheEarlierStep() {
        List<Point> tied = List.of(p(0, 0.5, 0.2, 0.9), p(5, 0.3, 0.10, 0.9), p(10, 0.3, 0.08, 0.9), p(15, 0.3, 0.08, 0.9));
        assertEquals(2, ValidationStopping.choose(tied, 0.03));
    }

    @Test
    void dueEveryIntervalAndAtTheEnd() {
        ValidationStopping v = new ValidationStopping((c, s) -> null, 4, 0.03);
        assertTrue(v.due(4, 10));
        assertTrue(v.due(8, 10));
        assertTrue(v.due(10, 10), "the last step is always measured");
        assertFalse(v.due(5, 10));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ValidationStopping.choose(List.of(), 0.03));
        var e = assertThrows(IllegalArgumentException.class, () -> new ValidationStopping((c, s) -> null, 0, 0.03));
        assertTrue(e.getMessage().contains("validation interval"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ValidationStopping((c, s) -> null, 5, -0.1));
        var passes = assertThrows(IllegalArgumentException.class, () -> new ValidationStopping((c, s) -> null, 5, 0.03, 0));
        assertTrue(passes.getMessage().contains("passes over D- must be >= 1, got 0"), passes.getMessage());
    }

    @TempDir Path dir;

    private static String sample(String kind, String image) {
        return "{\"kind\":\"" + kind + "\",\"image\":\"" + image + "\",\"object\":\"cat\",\"score\":20.5,\"context\":\"\",\"target\":\"a cat\"}\n";
    }

    @Test
    void heldOutImagesAreTheValidationSplitsAndNeverTrainedOn() throws Exception {
        Files.createDirectories(dir.resolve("train"));
        Files.createDirectories(dir.resolve("validation"));
        Files.writeString(dir.resolve("train/negative.jsonl"), sample("negative", "a.png") + sample("negative", "b.png"));
        Files.writeString(dir.resolve("validation/negative.jsonl"), sample("negative", "v2.png") + sample("negative", "v1.png"));
        Files.writeString(dir.resolve("validation/positive.jsonl"), sample("positive", "v1.png") + sample("positive", "v3.png"));
        assertEquals(List.of("v1.png", "v2.png", "v3.png"), ValidationStopping.heldOutImages(dir));

        Files.writeString(dir.resolve("train/positive.jsonl"), sample("positive", "c.png") + sample("positive", "v3.png"));
        var e = assertThrows(IllegalArgumentException.class, () -> ValidationStopping.heldOutImages(dir));
        assertTrue(e.getMessage().contains("v3.png") && e.getMessage().contains("positive.jsonl line 2"), e.getMessage());

        Path empty = Files.createDirectories(dir.resolve("no-validation"));
        var none = assertThrows(IllegalArgumentException.class, () -> ValidationStopping.heldOutImages(empty));
        assertTrue(none.getMessage().contains("--validation-share"), none.getMessage());
    }

    @Test
    void theRecordNamesTheIntervalTheLimitAndTheProbe() {
        String d = new ValidationStopping((c, s) -> null, 25, 0.03).describe();
        assertEquals("every 25 steps, recall limit 0.03, a probe given in code", d);
        // a run that may go on past the paper's steps computes something else, so its record differs (one pass: as before)
        assertEquals("every 25 steps, recall limit 0.03, up to 2 passes over D-, a probe given in code",
                new ValidationStopping((c, s) -> null, 25, 0.03, 2).describe());
    }
}

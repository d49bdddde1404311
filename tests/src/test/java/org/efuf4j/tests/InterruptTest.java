package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during a resumable command: the process says what to do (run the same command again), where it used to exit
 * without a word. The signal arrives once the first of 400 captions is written, mid-stage.
 */
class InterruptTest {
    @TempDir Path tmp;

    @Test
    @EnabledOnOs(OS.LINUX)
    void ctrlCSaysHowToResume() throws Exception {
        Path clip = tmp.resolve("clip"), llava = tmp.resolve("llava"), images = Files.createDirectories(tmp.resolve("images"));
        TinyCheckpoints.clip(clip, 1);
        TinyCheckpoints.llava(llava, 2);
        for (int i = 0; i < 400; i++) EfufPipelineEndToEndTest.image(images.resolve("img" + i + ".png"), i);
        Path out = tmp.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.efuf4j.cli.EfufCommand",
                "form-dataset", "--model", llava.toString(), "--clip", clip.toString(), "--images", images.toString(), "--out", out.toString()));
        Path err = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        try {
            // Stop it once the first captions are written: mid-stage, with 400 images to go through.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Path captions = out.resolve("captions.jsonl");
            while (!(Files.exists(captions) && Files.size(captions) > 0) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(p.isAlive(), "the command ended early" + (p.isAlive() ? "" :  " with " + p.exitValue()) + ": " + Files.readString(err) + Files.readString(tmp.resolve("stdout.txt")) + System.getProperty("java.class.path"));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the command did not stop on SIGINT");
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(err, StandardCharsets.UTF_8);
        assertTrue(text.contains("efuf form-dataset: interrupted; what was finished is kept: run the same command again to resume"), text);
        assertEquals(130, p.exitValue(), "the shell's code for an interrupt");
        long kept = Files.readAllLines(out.resolve("captions.jsonl")).size();
        assertTrue(kept > 0 && kept < 400, kept + " captions kept for the rerun");
    }
}

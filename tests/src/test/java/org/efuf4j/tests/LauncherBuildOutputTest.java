package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The launcher's first build must not print bare colour codes: Maven 3.8 writes "ESC[0m" resets even in batch mode,
 * which a log file shows as "[0m[0m". The launcher's Maven settings are taken from bin/efuf itself.
 */
class LauncherBuildOutputTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void theBuildTheLauncherRunsPrintsNoEscapeCodes() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path launcher = root.resolve("bin/efuf");
        String opts = Files.readAllLines(launcher).stream().filter(l -> l.startsWith("export MAVEN_OPTS=")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("bash", "-c", "command -v mvn").start().waitFor() == 0, "no mvn");
        Process p = new ProcessBuilder("bash", "-c", opts + "; exec mvn -q -B -N -f \"$0\" validate", root.resolve("pom.xml").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertFalse(out.chars().anyMatch(c -> c == 27), "escape codes in: " + out.replace("\u001b", "ESC"));
    }
}

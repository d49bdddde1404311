package org.efuf4j.models.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json came out 0600 (Files.createTempFile's mode survived the rename) beside 0644 weights. */
class SavedFilePermissionsTest {
    @TempDir Path tmp;

    @Test
    void everySavedFileHasTheModeOfAnOrdinaryFile() throws IOException {
        var expected = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("ordinary")));
        Path dir = tmp.resolve("model");
        PretrainedModels.save(PretrainedModels.load(HfReferenceBundlesTest.bundle("llama")), dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) assertEquals(expected, Files.getPosixFilePermissions(f), f.toString());
        }
    }
}

package org.efuf4j.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    /** Written files get the permissions an ordinary new file gets (0644 under umask 022), never 0600. */
    @Test
    void writtenFilesAreReadableAsOrdinaryFilesAre() throws IOException {
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(ordinary);
        Path target = dir.resolve("config.json");
        AtomicFiles.writeString(target, "{}\n");
        assertEquals(expected, Files.getPosixFilePermissions(target));
        assertEquals("{}\n", Files.readString(target));
        AtomicFiles.writeString(target, "{\"a\": 1}\n");
        assertEquals(expected, Files.getPosixFilePermissions(target));
    }

    /** A failed write leaves the old file and no temporary file. */
    @Test
    void aFailedWriteLeavesTheOldContent() throws IOException {
        Path target = dir.resolve("data.json");
        AtomicFiles.writeString(target, "old");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
        assertTrue(Files.isRegularFile(target));
    }
}

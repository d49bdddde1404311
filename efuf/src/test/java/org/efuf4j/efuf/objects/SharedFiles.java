package org.efuf4j.efuf.objects;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Shared fixtures, read in place through the {@code efuf4j.shared} system property. */
public final class SharedFiles {
    private SharedFiles() {}

    public static Path chairSynonyms() {
        String shared = System.getProperty("efuf4j.shared");
        assertTrue(shared != null, "system property efuf4j.shared is not set (the parent pom sets it for surefire)");
        Path file = Path.of(shared, "data", "chair", "coco-synonyms.txt");
        assertTrue(Files.isRegularFile(file), "missing shared fixture " + file);
        return file;
    }
}

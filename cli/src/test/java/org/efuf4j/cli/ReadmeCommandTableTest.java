package org.efuf4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The README's command table names every command the launcher has (it once lacked caption, forward and clip-score). */
class ReadmeCommandTableTest {
    @Test
    void everyCommandHasARow() throws Exception {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        for (String command : EfufCommand.commandLine().getSubcommands().keySet()) {
            if (command.equals("help")) continue;
            assertTrue(readme.contains("| `efuf " + command + " ") || readme.contains("| `efuf " + command + "`"),
                    "README.md's command table has no row for efuf " + command);
        }
    }
}

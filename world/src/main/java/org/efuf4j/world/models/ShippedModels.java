package org.efuf4j.world.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.efuf4j.efuf.io.Json;
import org.efuf4j.world.WorldConfig;

/**
 * The base models the repository ships, one {@code efuf world pretrain} output per folder under {@code pretrained/}
 * (EFUF starts from released checkpoints, so the world's demo starts from released world checkpoints). A folder serves
 * a world and configuration when its manifest names both; the demo then trains nothing.
 *
 * <p>The folder is found through {@code -Defuf4j.pretrained=DIR} (the launcher sets it), {@code EFUF_PRETRAINED}, or a
 * {@code pretrained} folder in the working directory or its parent (a module's tests run one level down).
 */
public final class ShippedModels {
    public static final String PROPERTY = "efuf4j.pretrained";

    private ShippedModels() {}

    /** The folder that holds the shipped outputs, if any. */
    public static Optional<Path> root() {
        String configured = System.getProperty(PROPERTY, System.getenv("EFUF_PRETRAINED"));
        if (configured != null && !configured.isBlank()) return Optional.of(Path.of(configured)).filter(Files::isDirectory);
        for (Path candidate : List.of(Path.of("pretrained"), Path.of("..", "pretrained"))) {
            if (Files.isDirectory(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Every shipped output (a folder with a manifest). */
    public static List<Path> outputs() {
        List<Path> out = new ArrayList<>();
        root().ifPresent(r -> {
            try (var dirs = Files.list(r)) {
                dirs.filter(d -> Files.isRegularFile(d.resolve(Pretraining.MANIFEST))).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the shipped models in " + r + ": " + e.getMessage(), e);
            }
        });
        return out;
    }

    /** The shipped output made for exactly this world and configuration, if the repository holds one. */
    public static Optional<WorldModels.Layout> find(WorldConfig world, WorldModels.Config config) {
        for (Path dir : outputs()) {
            JsonNode manifest = read(dir.resolve(Pretraining.MANIFEST));
            if (manifest.path("world_hash").asText().equals(world.hash()) && manifest.path("config").asText().equals(config.canonical()))
                return Optional.of(WorldModels.Layout.pretrained(dir, config));
        }
        return Optional.empty();
    }

    static JsonNode read(Path manifest) {
        try {
            return Json.MAPPER.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pretraining manifest " + manifest + ": " + e.getMessage(), e);
        }
    }
}

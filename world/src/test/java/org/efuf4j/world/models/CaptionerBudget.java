package org.efuf4j.world.models;

import java.nio.file.Files;
import java.nio.file.Path;

import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;

/**
 * Measures the base captioner a description hallucination rate gives, on a given scorer and tower (both trained):
 * {@code CaptionerBudget <scorer dir> <tower dir> <descriptionHallucinationRate> [worldSeed]}. Trains the captioner
 * of {@link WorldModels.Config#small()} into a temporary folder and prints the metrics line and gates.
 */
public final class CaptionerBudget {
    private CaptionerBudget() {}

    public static void main(String[] args) throws Exception {
        double rate = Double.parseDouble(args[2]);
        long worldSeed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        World world = World.generate(WorldConfig.defaults().withSeed(worldSeed).withDescriptionHallucinationRate(rate));
        Path dir = Files.createTempDirectory("captioner-budget");
        WorldModels.Layout layout = new WorldModels.Layout(Path.of(args[0]), Path.of(args[1]), dir.resolve("captioner"), dir.resolve("metrics.json"));
        WorldModels.prepare(world, layout, WorldModels.Config.small(), line -> {
            if (!line.contains(" step ")) System.out.println(line);
        });
    }
}

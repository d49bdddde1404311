package org.efuf4j.world.models;

import java.nio.file.Files;
import java.nio.file.Path;

import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;

/**
 * Measures the base captioner a description hallucination rate gives, on a given scorer and tower (both trained):
 * {@code CaptionerBudget <scorer dir> <tower dir> <descriptionHallucinationRate> [worldSeed [language align instruction
 * [qaRate]]]}. Trains the captioner of {@link WorldModels.Config#small()} (with those stage steps and question share, where
 * given; system property {@code budget.text=hidden/layers/heads} for another decoder) into a temporary folder and
 * prints the metrics line and gates.
 */
public final class CaptionerBudget {
    private CaptionerBudget() {}

    public static void main(String[] args) throws Exception {
        double rate = Double.parseDouble(args[2]);
        long worldSeed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        World world = World.generate(WorldConfig.defaults().withSeed(worldSeed).withDescriptionHallucinationRate(rate));
        Path dir = Files.createTempDirectory("captioner-budget");
        WorldModels.Layout layout = new WorldModels.Layout(Path.of(args[0]), Path.of(args[1]), dir.resolve("captioner"), dir.resolve("metrics.json"));
        WorldModels.Config config = WorldModels.Config.small();
        CaptionerTrainer.Options captioner = config.captioner();
        if (args.length > 6)
            captioner = captioner.withSteps(Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]));
        if (args.length > 7) captioner = captioner.withQaRate(Double.parseDouble(args[7]));
        if (args.length > 8) captioner = captioner.withInstructionLearningRate(Double.parseDouble(args[8]));
        // system property budget.text=hidden/layers/heads: another decoder shape
        if (System.getProperty("budget.text") != null) {
            String[] t = System.getProperty("budget.text").split("/");
            captioner = captioner.toBuilder().text(Integer.parseInt(t[0]), Integer.parseInt(t[1]), Integer.parseInt(t[2])).build();
        }
        System.out.println(captioner.canonical());
        WorldModels.prepare(world, layout, config.withCaptioner(captioner), line -> {
            if (!line.matches(".* step \\d+/\\d+ .*")) System.out.println(line);
        });
    }
}

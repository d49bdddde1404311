package org.efuf4j.world.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.efuf4j.tensor.Parallel;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;

/**
 * Measures what a CLIP training of the world reaches and at what cost, for choosing the presets:
 * {@code PerceptionBudget <preset: scorer|tower> [steps] [batch] [lr] [width] [layers] [objectWeight] [captionWeight] [worldSeed]}.
 * Prints one line: the options, seconds, threads, first and last losses, and the three AUCs; with
 * {@code -DmeasureEvery=N} also the AUCs every N steps (their measuring then counts in the seconds).
 */
public final class PerceptionBudget {
    private PerceptionBudget() {}

    public static void main(String[] args) throws Exception {
        WorldClipTrainer.Options o = args[0].equals("tower") ? WorldClipTrainer.Options.captionerTower() : WorldClipTrainer.Options.small();
        if (args.length > 1) o = o.withSteps(Integer.parseInt(args[1]));
        if (args.length > 3) o = o.withBatch(Integer.parseInt(args[2]), Double.parseDouble(args[3]));
        if (args.length > 5) o = o.withVision(Integer.parseInt(args[4]), Integer.parseInt(args[5]), o.visionHeads());
        if (args.length > 7) o = o.withLosses(Double.parseDouble(args[6]), Double.parseDouble(args[7]));
        long worldSeed = args.length > 8 ? Long.parseLong(args[8]) : 1;
        World world = World.generate(WorldConfig.defaults().withSeed(worldSeed));
        Path dir = Files.createTempDirectory("perception-budget");
        int measureEvery = Integer.getInteger("measureEvery", 0);
        WorldClipTrainer.Run r = new WorldClipTrainer(o, line -> {
            if (line.contains("AUC") || line.contains("step")) System.out.println(line);
        }, measureEvery).train(world, dir.resolve("clip"));
        int n = r.losses().size();
        System.out.printf(Locale.ROOT, "RESULT %s | world %d | %.1f s on %d threads | loss %.4f %.4f %.4f -> %.4f | scale %.2f bias %.2f | "
                        + "objectAuc %.4f groupMateAuc %.4f probeAuc %.4f%n", o.canonical(), worldSeed, r.seconds(), Parallel.threads(),
                r.losses().get(0), r.losses().get(1), r.losses().get(2), r.losses().subList(Math.max(0, n - 10), n).stream().mapToDouble(d -> d).average().orElse(Double.NaN),
                r.objectScale(), r.objectBias(), r.perception().objectAuc(), r.perception().groupMateAuc(), r.perception().probeAuc());
    }
}

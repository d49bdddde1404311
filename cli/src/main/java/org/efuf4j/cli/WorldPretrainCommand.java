package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.models.Pretraining;
import org.efuf4j.world.models.WorldModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code efuf world pretrain}: the demo's base models for one world, trained from scratch and written to ship. */
@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the world's scorer CLIP, the captioner's vision-tower CLIP and the captioner LLaVA (language, alignment and",
                "instruction stages) from scratch, measures the captioner's quality gates, and writes Hugging Face directories (BF16)",
                "with manifest.json. Deterministic at a fixed thread count (-Defuf4j.threads / EFUF4J_THREADS)."})
final class WorldPretrainCommand implements Callable<Integer> {
    @Option(names = "--world-seed", defaultValue = "1", description = "seed of the synthetic world (default: ${DEFAULT-VALUE})") long worldSeed;
    @Option(names = "--out", description = "output folder (default: pretrained/world-seed-<S>, where the demo finds shipped models)") Path out;

    @Option(names = "--reuse", paramLabel = "DIR", description = {"take the models of an earlier pretrain output that this run would train",
            "exactly so (same world, same options; the captioner only with its tower) instead of training them again"}) Path reuse;

    @Override public Integer call() {
        WorldConfig config = WorldConfig.defaults().withSeed(worldSeed);
        Path dir = out != null ? out : Path.of("pretrained", "world-seed-" + worldSeed);
        String command = "efuf world pretrain --world-seed " + worldSeed + " --out " + dir + (reuse == null ? "" : " --reuse " + reuse);
        System.err.println("efuf world pretrain: world " + config.hash() + ", output " + dir.toAbsolutePath());
        JsonNode manifest = Pretraining.run(World.generate(config), WorldModels.Config.small(), dir, reuse, command, System.err::println);
        JsonNode gates = manifest.path("metrics").path("gates");
        gates.properties().forEach(g -> System.err.println((g.getValue().asBoolean() ? "  holds: " : "  FAILS: ") + g.getKey()));
        System.err.println(String.format(Locale.ROOT, "pretrain: %.0f s", manifest.path("seconds").asDouble()));
        System.out.println(dir.resolve(Pretraining.MANIFEST));
        return 0;
    }
}

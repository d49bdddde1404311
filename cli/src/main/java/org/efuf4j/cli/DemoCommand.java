package org.efuf4j.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import org.efuf4j.tensor.Device;
import org.efuf4j.world.demo.Demo;
import org.efuf4j.world.demo.DemoSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf demo}: the whole method on the embedded synthetic world, from an empty cache to a report. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run EFUF end to end on the embedded synthetic world and write OUT/report.html.",
                "Builds the world, pretrains (or reuses) the scorer CLIP and captioner LLaVA, forms the EFUF dataset with calibrated thresholds,"
                        + " unlearns with EFUF and its ablations, and evaluates the base model and every variant."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", description = "output folder (default: runs/demo-<timestamp>)") Path out;
    @Option(names = "--cache", defaultValue = ".efuf/cache", description = "world and base-model cache (default: ${DEFAULT-VALUE})") Path cache;
    @Option(names = "--seeds", description = "unlearning seeds of EFUF; the report gives mean and spread (default: 3, --quick 1)") Integer seeds;
    @Option(names = "--ablation-seeds", description = "the first seeds that also run the ablations, controls and the paper's settings (default: 1)")
    Integer ablationSeeds;
    @Option(names = "--quick", description = "tiny world and few steps: checks the machinery in about a minute (CI)") boolean quick;
    @Option(names = "--train-base", description = "train the base models from scratch (cached) even where the repository ships them")
    boolean trainBase;
    @Option(names = "--formation-images", paramLabel = "N", description = "training images described to form the EFUF dataset (default: " + DemoSettings.STANDARD_FORMATION_IMAGES + ", --quick 32)")
    Integer formationImages;
    @Option(names = "--world-seed", description = "seed of the synthetic world (default: 1)") Long worldSeed;
    @Option(names = "--target-precision", paramLabel = "P", description = "precision on the labelled mentions that T0 and T1 are calibrated to (default: 0.95);"
            + " 0.98 makes both sets purer and D- smaller, and with it the dose of one pass (BENCHMARKS.md, label experiments)")
    Double targetPrecision;
    @Mixin DeviceOption device;

    @Override public Integer call() {
        Device d = device.device();
        if (seeds != null && seeds < 1) throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
        if (ablationSeeds != null && ablationSeeds < 1) throw new IllegalArgumentException("--ablation-seeds must be at least 1, got " + ablationSeeds);
        if (targetPrecision != null && !(targetPrecision > 0 && targetPrecision < 1))
            throw new IllegalArgumentException("--target-precision must be between 0 and 1 (exclusive), got " + targetPrecision);
        DemoSettings s = quick ? DemoSettings.reduced() : DemoSettings.standard();
        if (seeds != null) s = s.withSeeds(seeds);
        if (ablationSeeds != null) s = s.withAblationSeeds(ablationSeeds);
        if (worldSeed != null) s = s.withWorldSeed(worldSeed);
        if (formationImages != null) s = s.withFormationImages(formationImages);
        if (targetPrecision != null) s = s.withTargetPrecision(targetPrecision);
        if (trainBase) s = s.withModels(s.models().withShipped(false));
        Path dir = OutputFolder.check(out != null ? out : Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))), "--out");
        OutputFolder.check(cache, "--cache");
        System.err.println("efuf demo: output " + dir.toAbsolutePath() + ", cache " + cache.toAbsolutePath());
        new Demo(s, cache, dir, d, System.err::println).run();
        System.out.println(dir.resolve("report.html"));
        return 0;
    }
}

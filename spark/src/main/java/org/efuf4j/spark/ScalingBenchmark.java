package org.efuf4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.cli.EfufCommand;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;

/**
 * How dataset formation scales with Spark task slots on one machine: writes the first N training images of the default
 * world (seed 1, for which the repository ships base models), then runs {@code efuf form-dataset} on them in this
 * process and with the Spark engine on each master given, each after a warm-up run of its own (model loading and JIT
 * compilation stay out of the figures). One line per run:
 * {@code spark-scaling images=96 engine=spark local[2] seconds=... images_per_second=... caption_share=...}.
 *
 * <p>Arguments: {@code IMAGES PRETRAINED_DIR WORK_DIR MASTER...} (scripts/bench/spark_scaling.sh passes them).
 */
public final class ScalingBenchmark {
    private ScalingBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) throw new IllegalArgumentException("usage: ScalingBenchmark IMAGES PRETRAINED_DIR WORK_DIR MASTER...");
        int n = Integer.parseInt(args[0]);
        Path pretrained = Path.of(args[1]), work = Path.of(args[2]);
        Path images = World.generate(WorldConfig.defaults().withImages(n, 0, 0)).writeTo(work.resolve("world")).split(Split.TRAIN).images();
        // warm-up runs caption a few of the images: enough to load the models (one per task slot) and compile the kernels
        Path warm = Files.createDirectories(work.resolve("warm-images"));
        try (var files = Files.list(images)) {
            for (Path f : files.sorted().limit(8).toList()) Files.copy(f, warm.resolve(f.getFileName()));
        }
        List<String> runs = new ArrayList<>(List.of("local"));
        for (int i = 3; i < args.length; i++) runs.add(args[i]);
        int k = 0;
        for (String master : runs) {
            run(pretrained, warm, work.resolve("warm-" + k), master);
            JsonNode t = run(pretrained, images, work.resolve("run-" + k++), master);
            System.out.printf(Locale.ROOT, "spark-scaling images=%d engine=%s workers=%d seconds=%.2f images_per_second=%.3f caption_share=%.3f scoring_share=%.3f%n",
                    n, t.get("engine").asText().replace(' ', '_'), t.get("workers").asInt(), t.get("seconds").asDouble(),
                    t.get("images_per_second").asDouble(), t.get("caption_share").asDouble(), t.get("scoring_share").asDouble());
        }
    }

    private static JsonNode run(Path pretrained, Path images, Path out, String master) throws Exception {
        List<String> args = new ArrayList<>(List.of("form-dataset", "--model", pretrained.resolve("captioner").toString(),
                "--clip", pretrained.resolve("scorer").toString(), "--images", images.toString(), "--out", out.toString(),
                "--prompt", World.DESCRIPTION_PROMPT, "--max-new-tokens", "80", "--calibrate", "percentiles"));
        if (!master.equals("local")) args.addAll(List.of("--engine", "spark", "--master", master));
        int rc = EfufCommand.commandLine().execute(args.toArray(String[]::new));
        if (rc != 0) throw new IllegalStateException("form-dataset " + master + " failed (" + rc + ")");
        return Json.MAPPER.readTree(Files.readString(out.resolve("statistics.json"))).get("throughput");
    }
}

package org.efuf4j.world.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.efuf.io.Json;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.world.World;

/**
 * {@code efuf world pretrain}: trains a world's three base models (scorer CLIP, the captioner's tower CLIP, the
 * captioner LLaVA) into one folder of Hugging Face directories, measures them, and writes {@code manifest.json}:
 * <pre>
 * out/scorer/     config.json (torch_dtype bfloat16), model.safetensors (BF16), tokenizer.json,
 * out/tower/      preprocessor_config.json, training.json (options, seconds, every step's loss)
 * out/captioner/
 * out/metrics.json  the base models' metrics and gates
 * out/manifest.json command, world (canonical line and hash), configuration, thread count, seconds, metrics, the
 *                   first losses of each training (per stage for the captioner) and the weight files' SHA-256
 * </pre>
 * The folder is built beside {@code out} and renamed into place whole. Training is deterministic at a fixed thread
 * count, so {@link #replay} re-runs the first steps of each training and gets the manifest's losses bit for bit.
 */
public final class Pretraining {
    public static final String MANIFEST = "manifest.json";
    /** Losses per training (per captioner stage) the manifest keeps for the replay check. */
    public static final int LOGGED_STEPS = 3;

    private Pretraining() {}

    public static JsonNode run(World world, WorldModels.Config config, Path out, String command, Consumer<String> log) {
        return run(world, config, out, null, command, log);
    }

    /**
     * As {@link #run(World, WorldModels.Config, Path, String, Consumer)}, taking from the earlier pretrain output
     * {@code reuse} (null: none) every model this run would train the same way ({@link #reuse}).
     */
    public static JsonNode run(World world, WorldModels.Config config, Path out, Path reuse, String command, Consumer<String> log) {
        long start = System.nanoTime();
        try {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, out.getFileName() + ".partial-");
            WorldModels.Layout layout = WorldModels.Layout.pretrained(tmp, config);
            List<String> reused = reuse == null ? List.of() : reuse(reuse, world, config, layout, log);
            WorldModels.Result result = WorldModels.prepare(world, layout, config, log);
            ObjectNode manifest = Json.MAPPER.createObjectNode();
            manifest.put("command", command);
            manifest.put("world", world.config().canonical());
            manifest.put("world_hash", world.config().hash());
            manifest.put("config", config.canonical());
            manifest.put("threads", Parallel.threads());
            manifest.put("seconds", (System.nanoTime() - start) / 1e9);
            // a reused model's seconds are those of the run that trained it, which its training.json keeps
            if (reuse != null) {
                manifest.put("reused_from", reuse.toString());
                reused.forEach(manifest.putArray("reused")::add);
            }
            ObjectNode trainings = manifest.putObject("trainings");
            for (Map.Entry<String, Path> e : dirs(layout).entrySet()) {
                WorldModels.TrainingLog t = WorldModels.trainingLog(e.getValue());
                ObjectNode n = trainings.putObject(e.getKey());
                n.put("seconds", t.seconds());
                n.put("steps", t.losses().size());
                Map<String, List<Double>> stages = t.stages().isEmpty() ? Map.of("all", t.losses()) : t.stages();
                ObjectNode first = n.putObject("first_losses");
                stages.forEach((stage, losses) -> losses.subList(0, Math.min(LOGGED_STEPS, losses.size())).forEach(first.withArray(stage)::add));
                n.put("weights_sha256", sha256(e.getValue().resolve(PretrainedModels.WEIGHTS_FILE)));
                // what the training measured on its own: the CLIPs' AUCs, the captioner's kept checkpoint on validation images
                if (!t.figures().isEmpty()) t.figures().forEach(n.putObject("figures")::put);
            }
            manifest.set("metrics", Json.MAPPER.valueToTree(result.metrics()));
            AtomicFiles.writeString(tmp.resolve(MANIFEST), manifest.toPrettyString() + "\n");
            if (Files.exists(out)) {
                try (var paths = Files.walk(out)) {
                    for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            log.accept(String.format(Locale.ROOT, "pretrain: done in %.1f s with %d threads; %s", manifest.path("seconds").asDouble(),
                    Parallel.threads(), out.resolve(MANIFEST)));
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pretrained models to " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies into {@code into} the models of the pretrain output {@code from} that this run would train exactly so: the
     * same world, the same options in their {@code training.json}, and, for the captioner, the same tower (its options
     * name the tower's folder, not its weights, so it is taken only with its tower). Training is deterministic, so a
     * copied model is the one this run would have trained. Returns the names of the models taken.
     */
    static List<String> reuse(Path from, World world, WorldModels.Config config, WorldModels.Layout into, Consumer<String> log) throws IOException {
        JsonNode manifest = ShippedModels.read(from.resolve(MANIFEST));
        require(manifest, "world_hash", world.config().hash(), from);
        WorldModels.Layout source = WorldModels.Layout.pretrained(from, config);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("scorer", config.scorer().canonical());
        if (config.captionerVision() != null) expected.put("tower", config.captionerVision().canonical());
        expected.put("captioner", WorldModels.captionerOptions(config, into.tower()).canonical());
        Map<String, Path> sources = dirs(source);
        Map<String, Path> targets = dirs(into);
        List<String> taken = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String name = e.getKey();
            if (name.equals("captioner") && config.captionerVision() != null && !taken.contains("tower")) {
                log.accept("pretrain: the captioner of " + from + " is not reused: its tower trains again");
                continue;
            }
            Path dir = sources.get(name);
            if (!Files.isRegularFile(dir.resolve(WorldModels.TRAINING_JSON))) continue;
            String options = Json.MAPPER.readTree(dir.resolve(WorldModels.TRAINING_JSON).toFile()).path("options").asText();
            if (!options.equals(e.getValue())) {
                log.accept("pretrain: the " + name + " of " + from + " was trained with other options; training it again");
                continue;
            }
            copyTree(dir, targets.get(name));
            taken.add(name);
            log.accept("pretrain: reusing the " + name + " of " + from + " (same world and options)");
        }
        return taken;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** The trained folders by the manifest's names, in training order. */
    static Map<String, Path> dirs(WorldModels.Layout layout) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        dirs.put("scorer", layout.scorer());
        if (layout.tower() != null) dirs.put("tower", layout.tower());
        dirs.put("captioner", layout.captioner());
        return dirs;
    }

    /** What a replay found: per training, the manifest's first losses and the re-run's, and whether the weights match. */
    public record Replay(String training, List<Double> logged, List<Double> rerun, String loggedSha256, String actualSha256) {
        public boolean lossesMatch() {
            if (logged.size() != rerun.size()) return false;
            for (int i = 0; i < logged.size(); i++) {
                if (Float.floatToIntBits(logged.get(i).floatValue()) != Float.floatToIntBits(rerun.get(i).floatValue())) return false;
            }
            return true;
        }

        public boolean weightsMatch() { return loggedSha256.equals(actualSha256); }
    }

    /**
     * Re-runs the first logged steps of each training of the pretrain output {@code dir} (made for {@code world} with
     * {@code config}) at the manifest's thread count, and digests its weight files.
     */
    public static List<Replay> replay(Path dir, World world, WorldModels.Config config, Consumer<String> log) {
        JsonNode manifest = ShippedModels.read(dir.resolve(MANIFEST));
        require(manifest, "world_hash", world.config().hash(), dir);
        require(manifest, "config", config.canonical(), dir);
        WorldModels.Layout layout = WorldModels.Layout.pretrained(dir, config);
        int threads = manifest.path("threads").asInt();
        int before = Parallel.threads();
        List<Replay> out = new ArrayList<>();
        try {
            Parallel.setThreads(threads);
            for (Map.Entry<String, Path> e : dirs(layout).entrySet()) {
                JsonNode training = manifest.path("trainings").path(e.getKey());
                if (training.isMissingNode()) throw new IllegalArgumentException(dir.resolve(MANIFEST) + ": no training '" + e.getKey() + "'");
                // the first stage that ran is the one a replay can reach from scratch
                JsonNode first = null;
                for (JsonNode stage : training.path("first_losses")) {
                    if (!stage.isEmpty()) {
                        first = stage;
                        break;
                    }
                }
                if (first == null) throw new IllegalArgumentException(dir.resolve(MANIFEST) + ": training '" + e.getKey() + "' logs no losses");
                List<Double> all = new ArrayList<>();
                first.forEach(v -> all.add(v.asDouble()));
                WorldClipTrainer.Options clip = switch (e.getKey()) {
                    case "scorer" -> config.scorer();
                    case "tower" -> config.captionerVision();
                    default -> null;
                };
                List<Double> logged = clip == null ? all : all.subList(0, Math.min(all.size(), clip.replayableSteps()));
                List<Double> rerun = clip != null ? new WorldClipTrainer(clip, log).replay(world, logged.size())
                        : new CaptionerTrainer(WorldModels.captionerOptions(config, layout.tower()), log).replay(world, logged.size());
                out.add(new Replay(e.getKey(), logged, rerun, training.path("weights_sha256").asText(),
                        sha256(e.getValue().resolve(PretrainedModels.WEIGHTS_FILE))));
            }
        } finally {
            Parallel.setThreads(before);
        }
        return out;
    }

    private static void require(JsonNode manifest, String field, String expected, Path dir) {
        String actual = manifest.path(field).asText();
        if (!actual.equals(expected))
            throw new IllegalArgumentException(dir.resolve(MANIFEST) + ": field '" + field + "' is '" + actual + "', expected '" + expected + "'");
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}

package org.efuf4j.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.efuf4j.cli.EfufCommand;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.WorldFiles;
import picocli.CommandLine;

/**
 * The quick world of the module's tests: a few training images of the embedded world (seed 1, the configuration the
 * repository's shipped base models were trained for), one corrupt image beside them, and those shipped models.
 */
final class QuickWorld {
    static final int IMAGES = 10;
    private static QuickWorld instance;

    final Path images, objects, captioner, scorer;

    private QuickWorld(Path root) {
        WorldFiles files = World.generate(WorldConfig.defaults().withImages(IMAGES, 0, 0)).writeTo(root.resolve("world"));
        images = files.split(Split.TRAIN).images();
        objects = files.split(Split.TRAIN).objects();
        try {
            Files.write(images.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Path shipped = Path.of("..", "pretrained", "world-seed-1").toAbsolutePath().normalize();
        captioner = shipped.resolve("captioner");
        scorer = shipped.resolve("scorer");
    }

    static synchronized QuickWorld get() {
        if (instance == null) {
            try {
                instance = new QuickWorld(Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "quick-world"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** {@code efuf form-dataset} with the quick world's models and images and a short caption, then {@code extra}. */
    Run formDataset(Path out, String... extra) {
        return formDatasetFrom(images.toString(), out, extra);
    }

    /** The same with another {@code --images}: a manifest or a URI. */
    Run formDatasetFrom(String imageSource, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("form-dataset", "--model", captioner.toString(), "--clip", scorer.toString(),
                "--images", imageSource, "--out", out.toString(), "--prompt", World.DESCRIPTION_PROMPT, "--max-new-tokens", "40",
                "--validation-share", "0.2"));
        args.addAll(List.of(extra));
        if (!args.contains("--calibrate")) args.addAll(List.of("--calibrate", "percentiles", "--percentiles", "25,75"));
        return efuf(args.toArray(String[]::new));
    }

    /** The exit code and what went to standard error (form-dataset's summary lines go to standard output, left as is). */
    record Run(int rc, String err) {}

    static Run efuf(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = EfufCommand.commandLine().setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        int rc = cli.execute(args);
        return new Run(rc, err.toString());
    }
}

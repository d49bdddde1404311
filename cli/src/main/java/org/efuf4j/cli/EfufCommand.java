package org.efuf4j.cli;

import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.efuf4j.efuf.pipeline.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code efuf} command line: one subcommand per job. */
@Command(name = "efuf", mixinStandardHelpOptions = true, version = "efuf4j 0.1.0",
        description = "EFUF hallucination unlearning for multimodal LLMs, on a pure-Java engine.",
        subcommands = {BenchCommand.class, GpuCheckCommand.class, ForwardCommand.class, CaptionCommand.class, ClipScoreCommand.class, FormDatasetCommand.class, UnlearnCommand.class, EvaluateCommand.class, RunCommand.class, DemoCommand.class, WorldCommand.class, CommandLine.HelpCommand.class})
public final class EfufCommand implements Runnable {
    /** Commands that keep their progress in --out and pick it up when run again. */
    static final Set<String> RESUMABLE = Set.of("form-dataset", "unlearn", "evaluate", "run");

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    /** A command line with the project's number parsing: Infinity and NaN are refused wherever a number is asked for. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new EfufCommand());
        CommandLine.ITypeConverter<Double> finite = text -> finite(text);
        cli.registerConverter(Double.class, finite);
        cli.registerConverter(double.class, finite);
        return cli;
    }

    static double finite(String text) {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a number");
        }
        if (!Double.isFinite(v)) throw new CommandLine.TypeConversionException("'" + text + "' is not a finite number");
        return v;
    }

    /** What to say when the user interrupts a command (Ctrl-C), which otherwise exits without a word. */
    static String interruptNotice(String command) {
        return RESUMABLE.contains(command)
                ? "efuf " + command + ": interrupted; what was finished is kept: run the same command again to resume"
                : "efuf" + (command == null ? "" : " " + command) + ": interrupted";
    }

    public static void main(String[] args) {
        installLogHandler();
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Users get the message that names the file, tensor or field; the stack trace only on request.
            Progress.clearLine();
            cmd.getErr().println("efuf: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("EFUF_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        String command = null;
        for (String a : args) if (!a.startsWith("-")) { command = a; break; }
        String name = command;
        boolean[] done = {false};
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (done[0]) return;
            Progress.clearLine();
            System.err.println(interruptNotice(name));
        }));
        int rc = cli.execute(args);
        done[0] = true;
        System.exit(rc);
    }

    /**
     * Log lines as "efuf: message" on standard error, each on a line of its own (a live progress bar is cleared first),
     * instead of java.util.logging's two-line records with a timestamp and class name.
     */
    static void installLogHandler() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        root.addHandler(new Handler() {
            @Override public void publish(LogRecord r) {
                if (!isLoggable(r)) return;
                String text = r.getParameters() == null ? r.getMessage() : java.text.MessageFormat.format(r.getMessage(), r.getParameters());
                Progress.clearLine();
                System.err.println("efuf: " + (r.getLevel().intValue() >= Level.WARNING.intValue() ? "warning: " : "") + text);
            }

            @Override public void flush() { System.err.flush(); }

            @Override public void close() {}
        });
        root.setLevel(Level.INFO);
    }
}

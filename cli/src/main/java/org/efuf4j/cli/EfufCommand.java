package org.efuf4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code efuf} command line: one subcommand per job. */
@Command(name = "efuf", mixinStandardHelpOptions = true, version = "efuf4j 0.1.0",
        description = "EFUF hallucination unlearning for multimodal LLMs, on a pure-Java engine.",
        subcommands = {BenchCommand.class, GpuCheckCommand.class, ForwardCommand.class, CaptionCommand.class, ClipScoreCommand.class, FormDatasetCommand.class, UnlearnCommand.class, EvaluateCommand.class, RunCommand.class, DemoCommand.class, WorldCommand.class, CommandLine.HelpCommand.class})
public final class EfufCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new EfufCommand());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Users get the message that names the file, tensor or field; the stack trace only on request.
            cmd.getErr().println("efuf: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("EFUF_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        System.exit(cli.execute(args));
    }
}

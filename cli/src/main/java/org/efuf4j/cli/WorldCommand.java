package org.efuf4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code efuf world}: the embedded synthetic world's own jobs. */
@Command(name = "world", mixinStandardHelpOptions = true, description = "The embedded synthetic world: pretraining its base models.",
        subcommands = {WorldPretrainCommand.class, CommandLine.HelpCommand.class})
final class WorldCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }
}

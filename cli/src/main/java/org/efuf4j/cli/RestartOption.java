package org.efuf4j.cli;

import picocli.CommandLine.Option;

/** {@code --restart}: redo the stages whose results in --out other inputs made, instead of stopping with an error. */
final class RestartOption {
    @Option(names = "--restart", description = "discard results in --out that other inputs made (another model, prompt, dataset or setting)"
            + " and redo those stages; without it, such a rerun stops and says what differs.")
    boolean restart;
}

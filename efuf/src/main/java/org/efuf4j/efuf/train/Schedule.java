package org.efuf4j.efuf.train;

/**
 * When unlearning stops, and which weights a run hands on. Both run the paper's draws ({@link SampleDraws}); they
 * differ in the weights they keep. Each carries its one spelling on the command line ({@link #word}), in metrics files
 * ({@link #key}) and in reports ({@link #label}).
 */
public enum Schedule {
    /** The paper's: one pass over D-, the last step's weights ({@code model/}). */
    PAPER("paper", "paper", "Paper schedule (one pass over D-)"),
    /**
     * CHAIR and recall of greedy captions of the validation images measured every few steps; the weights of the step
     * with the lowest CHAIR_s whose recall stays within the limit ({@code model-stopped/}), see {@link ValidationStopping}.
     */
    VALIDATION("validation", "validation_stopped", "Validation-stopped (lowest validation CHAIR_s within the recall limit)");

    /** The value of {@code --schedule}. */
    public final String word;
    /** The name in metrics files and directories. */
    public final String key;
    /** The name in reports. */
    public final String label;

    Schedule(String word, String key, String label) {
        this.word = word;
        this.key = key;
        this.label = label;
    }

    /** The schedule a command-line word names, or an error listing every word. */
    public static Schedule ofWord(String word) {
        return Words.of(values(), s -> s.word, "--schedule", word);
    }

    /** Every command-line word, comma-separated, for help texts and errors. */
    public static String words() {
        return Words.list(values(), s -> s.word);
    }
}

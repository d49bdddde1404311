package org.efuf4j.cli;

import java.nio.file.Path;

import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.pipeline.ModelDirectory;
import org.efuf4j.efuf.train.Schedule;
import org.efuf4j.efuf.train.ValidationStopping;
import picocli.CommandLine.Option;

/** Which weights unlearning hands on: the paper's last step, or the step chosen on the dataset's validation images. */
final class ScheduleOptions {
    @Option(names = "--schedule", defaultValue = "paper", description = "paper: one pass over D-, the last step's weights (OUT/model);"
            + " validation: the same steps, measuring CHAIR and recall of greedy captions of the dataset's validation images (never the"
            + " evaluation images; needs --annotations) and keeping the step with the lowest CHAIR_s within --recall-limit (OUT/model-stopped)."
            + " Default: ${DEFAULT-VALUE}") String schedule;
    @Option(names = {"--validate-every", "--eval-every"}, defaultValue = "25",
            description = "with --schedule validation: steps between measurements; the start and the last step are always measured (default: ${DEFAULT-VALUE})")
    int every;
    @Option(names = "--recall-limit", defaultValue = "0.03",
            description = "with --schedule validation: how far recall may fall below the starting model's, as a fraction (default: ${DEFAULT-VALUE}, 3 points)")
    double recallLimit;
    @Option(names = "--validation-passes", defaultValue = "1",
            description = "with --schedule validation: passes over D- the run may go on to in all, choosing among every measured step;"
                    + " OUT/model keeps the paper schedule's last step all the same (default: ${DEFAULT-VALUE}: the paper's steps only)")
    int passes;
    @Option(names = "--validation-prompt", description = "with --schedule validation: the caption prompt (default: the --model directory's, else the paper's evaluation prompt)")
    String prompt;
    @Option(names = "--validation-max-new-tokens", defaultValue = "128", description = "with --schedule validation: caption length bound (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    /** The schedule, with its numbers checked before any work. */
    Schedule schedule() {
        Schedule s = Schedule.ofWord(schedule);
        if (every < 1) throw new IllegalArgumentException("--validate-every must be >= 1 step, got " + every);
        if (!(recallLimit >= 0 && recallLimit <= 1)) throw new IllegalArgumentException("--recall-limit must be a fraction in [0, 1], got " + recallLimit);
        if (maxNewTokens < 1) throw new IllegalArgumentException("--validation-max-new-tokens must be >= 1, got " + maxNewTokens);
        if (passes < 1) throw new IllegalArgumentException("--validation-passes must be >= 1, got " + passes);
        return s;
    }

    /** The argument checks that need the ground truth: validation stopping without it has nothing to measure against. */
    void check(VocabularyOptions vocabulary) {
        if (schedule() == Schedule.VALIDATION && vocabulary.annotations.isEmpty())
            throw new IllegalArgumentException("--schedule validation measures CHAIR on the dataset's validation images and needs their ground truth: give --annotations");
    }

    /**
     * Null for the paper's schedule; else the probe on the validation images of {@code data} in {@code images}.
     *
     * @param fallbackPrompt the prompt when neither --validation-prompt nor the model directory names one (null: the paper's)
     */
    ValidationStopping stopping(Path model, Path data, Path images, VocabularyOptions vocabulary, String fallbackPrompt) {
        check(vocabulary);
        if (schedule() == Schedule.PAPER) return null;
        ObjectExtractor extractor = vocabulary.extractor();
        GroundTruth truth = vocabulary.groundTruth(extractor);
        String p = ModelDirectory.prompt(model, prompt != null ? prompt : fallbackPrompt, Captioner.EVALUATION_PROMPT);
        return new ValidationStopping(ValidationStopping.chairOnHeldOut(data, new ImageFolder(images), truth, extractor, p, maxNewTokens), every, recallLimit, passes);
    }
}

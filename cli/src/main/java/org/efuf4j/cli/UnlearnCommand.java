package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.pipeline.ModelDirectory;
import org.efuf4j.efuf.train.Ablation;
import org.efuf4j.efuf.train.TrainableSet;
import org.efuf4j.efuf.train.TrainerSettings;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf unlearn}: fine-grained unlearning of a LLaVA model on a formed dataset. */
@Command(name = "unlearn", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-grained unlearning: L = L_pos + lambda1 L_neg + lambda2 L_sent over target tokens, AdamW, one epoch over D-.",
                "Checkpoints every N steps; run again on the same --out to resume. The result is OUT/model, a Hugging Face checkpoint directory.",
                "With --schedule validation also OUT/model-stopped: the step chosen on the dataset's validation images."})
final class UnlearnCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "base LLaVA directory") Path model;
    @Option(names = "--data", required = true, description = "dataset folder written by form-dataset") Path data;
    @Option(names = "--images", required = true, description = "the images the dataset refers to") Path images;
    @Option(names = "--out", required = true, description = "run folder (checkpoints, loss.jsonl, loss.png, model/)") Path out;
    @Mixin TrainOptions train;
    @Mixin ScheduleOptions schedule;
    @Mixin VocabularyOptions vocabulary;
    @Mixin RestartOption restart;
    @Mixin DeviceOption device;

    @Override public Integer call() {
        train.settings();
        schedule.check(vocabulary);
        for (Path a : vocabulary.annotations) ModelFiles.existingFile(a, "--annotations");
        ModelFiles.existingDirectory(model, "--model");
        ModelFiles.existingDirectory(data, "--data");
        ModelFiles.existingDirectory(images, "--images");
        OutputFolder.check(out, "--out");
        run(model, data, images, out, train, schedule, vocabulary, null, restart.restart, device.device());
        return 0;
    }

    /** @param validationPrompt the validation captions' prompt when --validation-prompt is not given (null: the model's, else the paper's) */
    static UnlearningTrainer.Result run(Path model, Path data, Path images, Path out, TrainOptions t, ScheduleOptions s, VocabularyOptions v,
                                        String validationPrompt, boolean restart, Device device) {
        UnlearningTrainer.Result r = new UnlearningTrainer(t.settings(model), model, data, new ImageFolder(images), out, device,
                s.stopping(model, data, images, v, validationPrompt)).restart(restart).train();
        if (r.stoppedEarly()) System.out.printf("stopped after step %d of %d (--max-steps); run again to resume%n", r.steps(), r.totalSteps());
        else if (r.alreadyFinished()) System.out.printf("already finished with these inputs: %d steps; model: %s%n", r.steps(), r.model());
        else if (r.resumedFromStep() > 0) System.out.printf("trained %d steps (resumed from step %d); model: %s%n", r.totalSteps(), r.resumedFromStep(), r.model());
        else System.out.printf("trained %d steps; model: %s%n", r.totalSteps(), r.model());
        if (r.stoppedModel() != null)
            System.out.printf("validation chose step %d of %d (%s); model: %s%n", r.stoppedAtStep(), r.steps(), out.resolve(UnlearningTrainer.VALIDATION_LOG), r.stoppedModel());
        return r;
    }

    static final class TrainOptions {
        @Option(names = "--lambda1", defaultValue = "0.3", description = "negative loss weight (default: ${DEFAULT-VALUE})") double lambda1;
        @Option(names = "--lambda2", defaultValue = "0.2", description = "sentence loss weight (default: ${DEFAULT-VALUE})") double lambda2;
        @Option(names = "--lr", defaultValue = "1e-5", description = "AdamW learning rate, constant (default: ${DEFAULT-VALUE})") double lr;
        @Option(names = "--weight-decay", defaultValue = "0.05", description = "default: ${DEFAULT-VALUE}") double weightDecay;
        @Option(names = "--trainable", defaultValue = "projector", description = "projector (paper), projector-lm, all") String trainable;
        @Option(names = "--ablation", defaultValue = "full", description = "full, no-sentence, sentence-only, vanilla (needs a dataset formed with --granularity sentence), and the controls no-ascent, ascent-only") String ablation;
        @Option(names = "--sample-weights", description = "authors' variant: weight samples by their scores") boolean sampleWeights;
        @Option(names = "--implementation-schedules", description = "authors' variant: lambda1 held 40%% then linearly to 0; positive weight 1.0 -> 0.5") boolean schedules;
        @Option(names = "--negative-cap", defaultValue = "15", description = "a negative sample whose cross-entropy exceeds this adds no ascent (default: ${DEFAULT-VALUE})") double negativeCap;
        @Option(names = "--epochs", defaultValue = "1", description = "passes over D- (default: ${DEFAULT-VALUE})") int epochs;
        @Option(names = "--max-negative-passes", defaultValue = "3", description = "bound on --epochs (default: ${DEFAULT-VALUE})") int maxPasses;
        @Option(names = "--divergence-factor", defaultValue = "4", description = "stop when the running mean of L_pos, L_neg or L_sent exceeds this multiple of its value under the model before any update (default: ${DEFAULT-VALUE})") double divergence;
        @Option(names = "--checkpoint-every", defaultValue = "100", description = "steps between checkpoints (default: ${DEFAULT-VALUE})") int checkpointEvery;
        @Option(names = "--max-steps", defaultValue = "0", description = "stop after this many steps in total, resumable (0: no limit)") long maxSteps;
        @Option(names = "--train-seed", defaultValue = "0", description = "sample order seed") long seed;
        @Option(names = "--train-prompt", description = "prompt the clauses answer (default: the one the --model directory records, else \"" + Captioner.FORMATION_PROMPT + "\")") String prompt;
        @Option(names = "--train-template", description = "chat template (default: the --model directory's, else LLaVA-1.5's)") String template;

        /** The settings for a base model: prompt and template default to the ones its directory records. */
        TrainerSettings settings(Path model) {
            return settings().toBuilder().prompt(ModelDirectory.prompt(model, prompt, Captioner.FORMATION_PROMPT))
                    .template(ModelDirectory.template(model, template)).build();
        }

        TrainerSettings settings() {
            TrainableSet ts = switch (trainable) {
                case "projector" -> TrainableSet.PROJECTOR;
                case "projector-lm" -> TrainableSet.PROJECTOR_AND_LM;
                case "all" -> TrainableSet.ALL;
                default -> throw new IllegalArgumentException("--trainable must be projector, projector-lm or all; got " + trainable);
            };
            return TrainerSettings.paper().toBuilder().lambda1(lambda1).lambda2(lambda2).lr(lr).weightDecay(weightDecay).trainable(ts)
                    .ablation(Ablation.ofWord(ablation)).sampleWeights(sampleWeights).implementationSchedules(schedules).negativeCap(negativeCap)
                    .epochs(epochs).maxNegativePasses(maxPasses).divergenceFactor(divergence).checkpointEvery(checkpointEvery).maxSteps(maxSteps)
                    .seed(seed).prompt(prompt != null ? prompt : Captioner.FORMATION_PROMPT).template(template != null ? template : Captioner.LLAVA_TEMPLATE)
                    .build();
        }
    }
}

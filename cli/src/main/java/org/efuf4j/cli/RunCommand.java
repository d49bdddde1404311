package org.efuf4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.efuf4j.efuf.train.Schedule;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf run}: dataset formation, unlearning and evaluation of base vs unlearned, in one resumable command. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"All stages: form-dataset (OUT/dataset), unlearn (OUT/unlearn, model in OUT/unlearn/model), evaluate base and unlearned (OUT/eval).",
                "With --schedule validation the unlearned model is the step chosen on the dataset's validation images, and the last step is evaluated beside it.",
                "Run again with the same arguments to resume after an interruption."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "base LLaVA directory") Path model;
    @Option(names = "--clip", required = true, description = "CLIPModel directory") Path clip;
    @Option(names = "--train-images", required = true, description = "images for dataset formation") Path trainImages;
    @Option(names = "--eval-images", description = "evaluation images (needs --annotations); without it, no evaluation") Path evalImages;
    @Option(names = "--out", required = true, description = "output folder") Path out;
    @Mixin FormDatasetCommand.FormationOptions formation;
    @Mixin DecodingOptions decoding;
    @Mixin UnlearnCommand.TrainOptions train;
    @Mixin ScheduleOptions schedule;
    @Mixin EvaluateCommand.EvalOptions eval;
    @Mixin VocabularyOptions vocabulary;
    @Mixin RestartOption restart;
    @Mixin DeviceOption device;

    @Override public Integer call() {
        // Every argument is checked before hours of captioning and training, not when its stage comes.
        Device d = device.device();
        if (evalImages != null && vocabulary.annotations.isEmpty())
            throw new IllegalArgumentException("--eval-images needs --annotations for CHAIR and POPE");
        ModelFiles.existingDirectory(model, "--model");
        ModelFiles.existingDirectory(clip, "--clip");
        ModelFiles.existingDirectory(trainImages, "--train-images");
        if (evalImages != null) ModelFiles.existingDirectory(evalImages, "--eval-images");
        for (Path a : vocabulary.annotations) ModelFiles.existingFile(a, "--annotations");
        OutputFolder.check(out, "--out");
        train.settings();
        schedule.check(vocabulary);
        if (schedule.schedule() == Schedule.VALIDATION && formation.validationShare == 0)
            throw new IllegalArgumentException("--schedule validation measures CHAIR on the images the dataset holds out: give a --validation-share above 0");
        eval.settings();
        formation.settings(!vocabulary.annotations.isEmpty());
        FormDatasetCommand.run(model, clip, trainImages, out.resolve("dataset"), formation, decoding, vocabulary, restart.restart, d);
        UnlearningTrainer.Result r = UnlearnCommand.run(model, out.resolve("dataset"), trainImages, out.resolve("unlearn"), train, schedule, vocabulary,
                eval.prompt, restart.restart, d);
        if (r.stoppedEarly()) return 0;
        if (evalImages != null) {
            Map<String, Path> models = new LinkedHashMap<>();
            models.put("base", model);
            Schedule chosen = schedule.schedule();
            models.put("efuf", r.model(chosen));
            // the validation-stopped run also went the paper's whole pass: its last weights show what stopping saved
            if (chosen == Schedule.VALIDATION) models.put("efuf-last-step", r.model(Schedule.PAPER));
            EvaluateCommand.run(models, evalImages, out.resolve("eval"), eval, vocabulary, restart.restart, d);
        }
        return 0;
    }
}

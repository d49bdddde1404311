package org.efuf4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.efuf.eval.CocoAnnotations;
import org.efuf4j.efuf.eval.ComparisonTable;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.Evaluation;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.pipeline.ModelDirectory;
import org.efuf4j.efuf.pipeline.Perplexity;
import org.efuf4j.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code efuf evaluate}: hallucination and quality metrics of one or more models, side by side. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false, subcommands = ChairCommand.class,
        description = {"Caption the evaluation images with each model and report CHAIR, POPE, BLEU, perplexity and side effects.",
                "OUT/comparison.md and OUT/comparison.json compare the models; models evaluated into OUT before keep their rows.",
                "Resumable per model: run the same command again after an interruption.",
                "'efuf evaluate chair' scores existing captions only."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", description = "LLaVA directory; repeat to compare (e.g. base, then unlearned)") List<Path> models = new ArrayList<>();
    @Option(names = "--label", description = "a name per --model for the table (default: directory names)") List<String> labels = new ArrayList<>();
    @Option(names = "--images", description = "evaluation images (disjoint from training images)") Path images;
    @Option(names = "--out", description = "output folder") Path out;
    @Mixin EvalOptions eval;
    @Mixin VocabularyOptions vocabulary;
    @Mixin RestartOption restart;
    @Mixin DeviceOption device;

    @Override public Integer call() {
        if (models.isEmpty() || images == null || out == null || vocabulary.annotations.isEmpty())
            throw new IllegalArgumentException("evaluate needs --model, --images, --out and --annotations (or use 'efuf evaluate chair')");
        if (!labels.isEmpty() && labels.size() != models.size())
            throw new IllegalArgumentException(labels.size() + " --label values for " + models.size() + " --model values");
        for (Path m : models) ModelFiles.existingDirectory(m, "--model");
        ModelFiles.existingDirectory(images, "--images");
        for (Path a : vocabulary.annotations) ModelFiles.existingFile(a, "--annotations");
        OutputFolder.check(out, "--out");
        eval.settings();
        Map<String, Path> named = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            String label = labels.isEmpty() ? models.get(i).getFileName().toString() : labels.get(i);
            if (named.containsKey(label)) label = label + "-" + (i + 1);
            named.put(label, models.get(i));
        }
        run(named, images, out, eval, vocabulary, restart.restart, device.device());
        return 0;
    }

    static Map<String, JsonNode> run(Map<String, Path> models, Path images, Path out, EvalOptions e, VocabularyOptions v, boolean restart,
                                     Device device) {
        ObjectExtractor extractor = v.extractor();
        GroundTruth truth = v.groundTruth(extractor);
        ImageFolder folder = new ImageFolder(images);
        Evaluation.Extras extras = new Evaluation.Extras(e.references == null ? null : references(e.references),
                e.pplModel == null ? null : Perplexity.load(e.pplModel, device));
        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (Map.Entry<String, Path> m : models.entrySet())
            results.put(m.getKey(), Evaluation.run(m.getValue(), folder, truth, extractor, extras, e.settings(m.getValue()), out.resolve(m.getKey()), device, restart));
        // Models evaluated into this folder before keep their rows; a label evaluated now replaces its own row.
        Map<String, JsonNode> table = ComparisonTable.merge(out.resolve("comparison.json"), results);
        ComparisonTable.write(table, out.resolve("comparison.md"), out.resolve("comparison.json"));
        System.out.print(ComparisonTable.markdown(table));
        System.out.println("wrote " + out.resolve("comparison.md") + " and " + out.resolve("comparison.json"));
        return results;
    }

    /** Reference captions by image id: a COCO captions JSON, or JSONL / JSON array of {image_id, caption}. */
    static Map<String, List<String>> references(Path file) {
        ModelFiles.existingFile(file, "--references");
        try {
            String start = Files.readString(file).stripLeading();
            if (start.startsWith("{") && !file.toString().endsWith(".jsonl") && start.contains("\"annotations\"")) return CocoAnnotations.readCaptions(file);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
        Map<String, List<String>> refs = new LinkedHashMap<>();
        for (GeneratedCaption c : GeneratedCaption.read(file, "image_id", "caption")) refs.computeIfAbsent(c.imageId(), k -> new ArrayList<>()).add(c.caption());
        return refs;
    }

    static final class EvalOptions {
        @Option(names = "--eval-prompt", description = "evaluation caption prompt (default: the one each model directory records, else the paper's)") String prompt;
        @Option(names = "--eval-template", description = "chat template (default: each model directory's, else LLaVA-1.5's)") String template;
        @Option(names = "--eval-max-new-tokens", defaultValue = "256", description = "default: ${DEFAULT-VALUE}") int maxNewTokens;
        @Option(names = "--eval-beams", defaultValue = "5", description = "beam search width; 1 = greedy (default: ${DEFAULT-VALUE})") int beams;
        @Option(names = "--pope", defaultValue = "random,popular,adversarial", split = ",", description = "POPE splits, or none (default: ${DEFAULT-VALUE})") List<String> pope;
        @Option(names = "--pope-max-new-tokens", defaultValue = "16", description = "default: ${DEFAULT-VALUE}") int popeTokens;
        @Option(names = "--references", description = "reference captions for BLEU: COCO captions JSON or JSONL {image_id, caption}") Path references;
        @Option(names = "--ppl-model", description = "causal LM (LLaMA/Qwen2, or a LLaVA's language model) for caption perplexity") Path pplModel;
        @Option(names = "--pope-seed", defaultValue = "0") long seed;

        /** The settings for one model: prompt and template default to the ones its directory records. */
        Evaluation.Settings settings(Path model) {
            Evaluation.Settings s = settings();
            return new Evaluation.Settings(ModelDirectory.prompt(model, prompt, Captioner.EVALUATION_PROMPT), ModelDirectory.template(model, template),
                    s.maxNewTokens(), s.decoding(), s.popeSplits(), s.popeMaxNewTokens(), s.seed());
        }

        Evaluation.Settings settings() {
            List<PopeSampler.Strategy> splits = new ArrayList<>();
            for (String s : pope) {
                if (s.equals("none")) continue;
                try {
                    splits.add(PopeSampler.Strategy.valueOf(s.toUpperCase()));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("--pope takes random, popular, adversarial or none; got " + s);
                }
            }
            return new Evaluation.Settings(prompt != null ? prompt : Captioner.EVALUATION_PROMPT, template != null ? template : Captioner.LLAVA_TEMPLATE, maxNewTokens,
                    beams <= 1 ? org.efuf4j.models.generate.Decoding.GREEDY : new org.efuf4j.models.generate.Decoding.BeamSearch(beams, 1.0),
                    splits, popeTokens, seed);
        }
    }
}

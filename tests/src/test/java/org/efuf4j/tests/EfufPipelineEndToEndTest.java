package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.cli.EfufCommand;
import org.efuf4j.efuf.dataset.UnlearningSample.Kind;
import org.efuf4j.efuf.dataset.UnlearningSample;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.train.Ablation;
import org.efuf4j.efuf.train.TrainableSet;
import org.efuf4j.efuf.train.TrainerSettings;
import org.efuf4j.efuf.train.TrainingExample;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole EFUF pipeline on tiny checkpoints written here. A random tiny LLaVA only babbles letters, so it is first
 * taught (the trainer's sentence-only mode, all weights) to describe images with COCO object words; then
 * {@code efuf run} forms the dataset, unlearns and evaluates base against unlearned.
 */
class EfufPipelineEndToEndTest {
    @TempDir static Path tmp;
    static Path clipDir, baseDir, taughtDir, trainImages, evalImages, annotations, references;
    static final String[] CAPTIONS = {"a dog and a cat.", "a cat, a bus.", "a dog, a car.", "a bus and a dog."};

    record Run(int rc, String out, String err) {}

    static Run efuf(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = EfufCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new Run(cli.execute(args), out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    static void image(Path file, long seed) throws Exception {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
        int base = r.nextInt(1 << 24);
        for (int y = 0; y < 36; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, (x < 20 ? base : r.nextInt(1 << 24)));
        ImageIO.write(img, "png", file.toFile());
    }

    static void writeSamples(Path file, List<UnlearningSample> samples) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (UnlearningSample s : samples) sb.append(Json.MAPPER.writeValueAsString(s)).append('\n');
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb);
    }

    @BeforeAll
    static void setUp() throws Exception {
        clipDir = tmp.resolve("clip");
        TinyCheckpoints.clip(clipDir, 5);
        baseDir = tmp.resolve("llava");
        TinyCheckpoints.llava(baseDir, 6);
        trainImages = Files.createDirectories(tmp.resolve("train-images"));
        evalImages = Files.createDirectories(tmp.resolve("eval-images"));
        StringBuilder objects = new StringBuilder(), refs = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            image(trainImages.resolve("train" + i + ".png"), i);
            objects.append("{\"image_id\": \"train").append(i).append("\", \"objects\": [\"dog\", \"cat\"]}\n");
        }
        Files.write(trainImages.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        for (int i = 0; i < 3; i++) {
            image(evalImages.resolve("eval" + i + ".png"), 100 + i);
            objects.append("{\"image_id\": \"eval").append(i).append("\", \"objects\": [\"dog\", \"bus\", \"person\"]}\n");
            refs.append("{\"image_id\": \"eval").append(i).append("\", \"caption\": \"a dog and a bus.\"}\n");
        }
        annotations = tmp.resolve("objects.jsonl");
        Files.writeString(annotations, objects);
        references = tmp.resolve("references.jsonl");
        Files.writeString(references, refs);

        // Teach the random model to answer the caption prompt with object words: whole captions (Ds), all weights.
        Path teachData = tmp.resolve("teach-data");
        List<UnlearningSample> sentences = new java.util.ArrayList<>();
        for (int k = 0; k < 16; k++)
            for (int i = 0; i < 6; i++) sentences.add(new UnlearningSample(Kind.SENTENCE, "train" + i + ".png", null, 30, "", CAPTIONS[(i + k) % CAPTIONS.length]));
        writeSamples(teachData.resolve("train/sentence.jsonl"), sentences);
        TrainerSettings teach = TrainerSettings.paper().toBuilder().lr(3e-3).trainable(TrainableSet.ALL).ablation(Ablation.SENTENCE_ONLY).checkpointEvery(1000).build();
        UnlearningTrainer.Result taught = new UnlearningTrainer(teach, baseDir, teachData, new ImageFolder(trainImages), tmp.resolve("teach"), Device.CPU).train();
        taughtDir = taught.model();
    }

    @Test
    void runFormsUnlearnsAndEvaluates() throws Exception {
        Path out = tmp.resolve("run");
        Run r = efuf("run", "--model", taughtDir.toString(), "--clip", clipDir.toString(), "--train-images", trainImages.toString(),
                "--eval-images", evalImages.toString(), "--annotations", annotations.toString(), "--references", references.toString(),
                "--ppl-model", taughtDir.toString(), "--out", out.toString(),
                "--max-new-tokens", "14", "--calibrate", "percentiles", "--percentiles", "35,65", "--validation-share", "0",
                "--scoring", "paper", "--cell-size", "8", "--lr", "1e-3", "--checkpoint-every", "2",
                "--eval-prompt", Captioner.FORMATION_PROMPT, "--eval-max-new-tokens", "14", "--eval-beams", "2",
                "--pope", "random,adversarial", "--pope-max-new-tokens", "3");
        assertEquals(0, r.rc(), r.err() + r.out());

        // dataset: every image has a record, the corrupt one skipped and counted; files match the counts
        List<JsonNode> captions = JsonlReader.readTree(out.resolve("dataset/captions.jsonl")).records();
        assertEquals(7, captions.size());
        JsonNode stats = Json.MAPPER.readTree(out.resolve("dataset/statistics.json").toFile());
        assertEquals(7, stats.at("/counts/images").asInt());
        assertEquals(1, stats.at("/counts/skipped_images").asInt());
        assertEquals(6, stats.at("/counts/captions").asInt());
        assertTrue(stats.at("/counts/mentions").asInt() >= 6, "the taught model names objects: " + captions);
        for (String kind : List.of("positive", "negative", "sentence")) {
            int lines = JsonlReader.readTree(out.resolve("dataset/train/" + kind + ".jsonl")).records().size();
            assertEquals(stats.at("/counts/train_" + kind).asInt(), lines, kind);
            assertEquals(stats.at("/counts/" + kind).asInt(), lines, kind + " (no validation share)");
        }
        int negatives = stats.at("/counts/negative").asInt();
        assertTrue(negatives > 0 && stats.at("/counts/positive").asInt() > 0, stats.toString());
        double t0 = stats.at("/thresholds/t0").asDouble(), t1 = stats.at("/thresholds/t1").asDouble();
        assertTrue(t0 > t1, stats.toString());
        for (JsonNode n : JsonlReader.readTree(out.resolve("dataset/train/negative.jsonl")).records()) assertTrue(n.get("score").asDouble() < t1);
        for (JsonNode n : JsonlReader.readTree(out.resolve("dataset/train/positive.jsonl")).records()) assertTrue(n.get("score").asDouble() > t0);
        assertTrue(stats.has("quality_on_labelled_mentions"), "labels from --annotations give precision/recall");
        assertPng(out.resolve("dataset/score-histogram.png"));

        // unlearning: one step per negative, finite losses, a loadable checkpoint where only the projector moved
        List<JsonNode> loss = JsonlReader.readTree(out.resolve("unlearn/loss.jsonl")).records();
        assertEquals(negatives, loss.size());
        for (int i = 0; i < loss.size(); i++) {
            assertEquals(i + 1, loss.get(i).get("step").asInt());
            assertTrue(Double.isFinite(loss.get(i).get("loss").asDouble()) && Double.isFinite(loss.get(i).get("l_neg").asDouble()), loss.get(i).toString());
        }
        // the paper's schedule: every negative drawn once, one positive and one sentence beside it on every step
        int positives = stats.at("/counts/positive").asInt(), sentences = stats.at("/counts/sentence").asInt();
        assertEquals(java.util.stream.IntStream.range(0, negatives).boxed().toList(),
                loss.stream().map(n -> n.at("/drawn/negative").asInt()).sorted().toList(), "one pass over D-: " + loss);
        for (JsonNode n : loss) {
            int p = n.at("/drawn/positive").asInt(-1), q = n.at("/drawn/sentence").asInt(-1);
            assertTrue(p >= 0 && p < positives && q >= 0 && q < sentences, n.toString());
        }
        JsonNode finished = Json.MAPPER.readTree(out.resolve("unlearn/finished.json").toFile());
        assertEquals(negatives, finished.at("/draws/negative/distinct").asInt(), finished.toString());
        assertEquals(negatives, finished.at("/draws/positive/drawn").asInt(), "as many positives as negatives drawn: " + finished);
        assertEquals(Math.min(positives, negatives), finished.at("/draws/positive/distinct").asInt(), finished.toString());
        assertPng(out.resolve("unlearn/loss.png"));
        LlavaForConditionalGeneration base = PretrainedModels.load(taughtDir, null, Device.CPU, LlavaForConditionalGeneration.class);
        LlavaForConditionalGeneration tuned = PretrainedModels.load(out.resolve("unlearn/model"), null, Device.CPU, LlavaForConditionalGeneration.class);
        Map<String, Tensor> b = base.stateDict(), t = tuned.stateDict();
        assertEquals(b.keySet(), t.keySet());
        boolean projectorMoved = false;
        for (String k : b.keySet()) {
            float[] x = b.get(k).toFloatArray(), y = t.get(k).toFloatArray();
            if (k.startsWith("multi_modal_projector")) projectorMoved |= !java.util.Arrays.equals(x, y);
            else assertArrayEquals(x, y, 0f, k + " is frozen");
            for (float v : y) assertTrue(Float.isFinite(v), k);
        }
        assertTrue(projectorMoved);
        assertTrue(Files.isRegularFile(out.resolve("unlearn/model/tokenizer.json")));

        // evaluation: both models, every metric present and finite
        for (String model : List.of("base", "efuf")) {
            JsonNode m = Json.MAPPER.readTree(out.resolve("eval/" + model + "/metrics.json").toFile());
            assertEquals(3, m.get("captions").asInt());
            for (String key : List.of("chair_s", "chair_i", "chair_recall", "bleu_1", "bleu_4", "perplexity", "objects_per_caption"))
                assertTrue(m.has(key) && Double.isFinite(m.get(key).asDouble()), model + " " + key + ": " + m);
            assertTrue(m.get("chair_s").asDouble() >= 0 && m.get("chair_s").asDouble() <= 1);
            assertTrue(m.get("perplexity").asDouble() >= 1);
            // BLEU-1 is its unigram precision times its brevity penalty, both kept apart
            assertEquals(m.get("bleu_1").asDouble(), m.get("bleu_1_precision").asDouble() * m.get("bleu_brevity_penalty").asDouble(), 1e-9, model);
            double hypWords = m.get("bleu_hypothesis_words").asDouble(), refWords = m.get("bleu_reference_words").asDouble();
            assertEquals(hypWords >= refWords ? 1 : Math.exp(1 - refWords / hypWords), m.get("bleu_brevity_penalty").asDouble(), 1e-12, model);
            assertEquals(18, m.at("/pope/random/questions").asInt(), "3 present + 3 absent per image");
            assertTrue(Double.isFinite(m.at("/pope/adversarial/accuracy").asDouble()));
            assertEquals(18, JsonlReader.readTree(out.resolve("eval/" + model + "/pope-random.jsonl")).records().size());
        }
        // the evaluation's captions feed 'efuf evaluate chair', which agrees with the evaluation's CHAIR
        Run chair = efuf("evaluate", "chair", "--captions", out.resolve("eval/efuf/generated.jsonl").toString(), "--annotations", annotations.toString());
        assertEquals(0, chair.rc(), chair.err());
        JsonNode efufMetrics = Json.MAPPER.readTree(out.resolve("eval/efuf/metrics.json").toFile());
        assertTrue(chair.out().contains(String.format(java.util.Locale.ROOT, "CHAIR_s=%.4f CHAIR_i=%.4f", efufMetrics.get("chair_s").asDouble(),
                efufMetrics.get("chair_i").asDouble())), chair.out() + " vs " + efufMetrics);
        String table = Files.readString(out.resolve("eval/comparison.md"));
        assertTrue(table.contains("| base |") && table.contains("| efuf |"), table);
        assertTrue(Json.MAPPER.readTree(out.resolve("eval/comparison.json").toFile()).has("efuf"));

        // run again: everything is found finished, nothing is redone or duplicated
        Run again = efuf("run", "--model", taughtDir.toString(), "--clip", clipDir.toString(), "--train-images", trainImages.toString(),
                "--out", out.toString(), "--max-new-tokens", "14", "--calibrate", "percentiles", "--percentiles", "35,65", "--validation-share", "0",
                "--scoring", "paper", "--cell-size", "8", "--lr", "1e-3", "--checkpoint-every", "2");
        assertEquals(0, again.rc(), again.err());
        assertEquals(7, JsonlReader.readTree(out.resolve("dataset/captions.jsonl")).records().size());
        assertEquals(negatives, JsonlReader.readTree(out.resolve("unlearn/loss.jsonl")).records().size());
    }

    /**
     * A rerun resumes only results made the same way: another prompt, learning rate or model stops with what differs
     * and how to start over; --restart redoes the stage; evaluations of other models add rows to the comparison.
     */
    @Test
    void rerunsWithOtherInputsStopOrRestart() throws Exception {
        Path data = tmp.resolve("rerun-data");
        String[] form = {"form-dataset", "--model", taughtDir.toString(), "--clip", clipDir.toString(), "--images", trainImages.toString(),
                "--out", data.toString(), "--max-new-tokens", "8", "--calibrate", "percentiles", "--percentiles", "35,65", "--validation-share", "0",
                "--cell-size", "8"};
        assertEquals(0, efuf(form).rc());
        String captions = Files.readString(data.resolve("captions.jsonl"));
        Run otherPrompt = efuf(concat(form, "--prompt", "What is in the picture?"));
        assertEquals(1, otherPrompt.rc(), otherPrompt.out());
        assertTrue(otherPrompt.err().contains("--prompt (was \"" + Captioner.FORMATION_PROMPT + "\", now \"What is in the picture?\")")
                && otherPrompt.err().contains("--restart"), otherPrompt.err());
        assertEquals(captions, Files.readString(data.resolve("captions.jsonl")), "nothing was touched");
        String[] otherModelArgs = form.clone();
        otherModelArgs[2] = baseDir.toString();
        Run otherModel = efuf(otherModelArgs);
        assertEquals(1, otherModel.rc());
        assertTrue(otherModel.err().contains("--model files (was sha256 "), otherModel.err());
        Run restarted = efuf(concat(form, "--prompt", "What is in the picture?", "--restart"));
        assertEquals(0, restarted.rc(), restarted.err());
        assertTrue(Files.readString(data.resolve("captions.provenance.json")).contains("What is in the picture?"));
        assertEquals(0, efuf(concat(form, "--prompt", "What is in the picture?")).rc(), "the same inputs resume");

        Path run = tmp.resolve("rerun-unlearn");
        String[] unlearn = {"unlearn", "--model", taughtDir.toString(), "--data", data.toString(), "--images", trainImages.toString(),
                "--out", run.toString(), "--lr", "1e-3"};
        Run trained = efuf(unlearn);
        assertEquals(0, trained.rc(), trained.err());
        long steps = JsonlReader.readTree(run.resolve("loss.jsonl")).records().size();
        Run same = efuf(unlearn);
        assertTrue(same.out().contains("already finished with these inputs: " + steps + " steps"), same.out());
        String[] faster = unlearn.clone();
        faster[faster.length - 1] = "2e-3";
        Run otherLr = efuf(faster);
        assertEquals(1, otherLr.rc());
        assertTrue(otherLr.err().contains("--lr (was \"0.001\", now \"0.002\")"), otherLr.err());
        Run relearned = efuf(concat(faster, "--restart"));
        assertEquals(0, relearned.rc(), relearned.err());
        assertTrue(relearned.out().contains("trained " + steps + " steps; model"), relearned.out());

        Path eval = tmp.resolve("rerun-eval");
        String[] evaluate = {"evaluate", "--images", evalImages.toString(), "--annotations", annotations.toString(), "--out", eval.toString(),
                "--eval-beams", "1", "--eval-max-new-tokens", "6", "--pope", "none"};
        assertEquals(0, efuf(concat(evaluate, "--model", taughtDir.toString(), "--label", "base")).rc());
        Run relabelled = efuf(concat(evaluate, "--model", baseDir.toString(), "--label", "base"));
        assertEquals(1, relabelled.rc());
        assertTrue(relabelled.err().contains("model files (was sha256") && relabelled.err().contains("another --label"), relabelled.err());
        Run second = efuf(concat(evaluate, "--model", baseDir.toString(), "--label", "untaught"));
        assertEquals(0, second.rc(), second.err());
        String table = Files.readString(eval.resolve("comparison.md"));
        assertTrue(table.contains("| base |") && table.contains("| untaught |"), "rows are added, not replaced: " + table);
    }

    /**
     * A model directory carries the prompt it was trained on (tokenizer_config.json, beside Hugging Face's chat
     * template), and the commands ask it by default; an explicit --prompt still wins.
     */
    @Test
    void commandsAskTheModelsOwnPromptByDefault() throws Exception {
        Path model = tmp.resolve("prompted");
        Files.createDirectories(model);
        try (var files = Files.list(taughtDir)) {
            for (Path f : files.toList()) Files.copy(f, model.resolve(f.getFileName()));
        }
        var config = org.efuf4j.models.config.ModelConfigs.load(model);
        org.efuf4j.models.pretrained.HfTokenizerFiles.write(model, config,
                new org.efuf4j.models.pretrained.HfTokenizerFiles.ChatPrompt("USER: <image>\n{prompt} ASSISTANT:", "Name the objects."));
        String[] evaluate = {"evaluate", "--images", evalImages.toString(), "--annotations", annotations.toString(),
                "--eval-beams", "1", "--eval-max-new-tokens", "4", "--pope", "none"};
        Run r = efuf(concat(evaluate, "--model", model.toString(), "--out", tmp.resolve("prompted-eval").toString()));
        assertEquals(0, r.rc(), r.err());
        JsonNode inputs = Json.MAPPER.readTree(tmp.resolve("prompted-eval/prompted/evaluation.provenance.json").toFile()).get("inputs");
        assertEquals("Name the objects.", inputs.get("prompt").asText());
        assertEquals("USER: <image>\n{prompt} ASSISTANT:", inputs.get("template").asText());
        Run explicit = efuf(concat(evaluate, "--model", model.toString(), "--out", tmp.resolve("explicit-eval").toString(), "--eval-prompt", "What is here?"));
        assertEquals(0, explicit.rc(), explicit.err());
        assertEquals("What is here?", Json.MAPPER.readTree(tmp.resolve("explicit-eval/prompted/evaluation.provenance.json").toFile()).at("/inputs/prompt").asText());
        Run caption = efuf("caption", "--model", model.toString(), "--image", trainImages.resolve("train0.png").toString(), "--max-new-tokens", "3");
        assertEquals(0, caption.rc(), caption.err());
        // without a recorded prompt, the paper's evaluation prompt
        assertEquals(0, efuf(concat(evaluate, "--model", taughtDir.toString(), "--out", tmp.resolve("plain-eval").toString())).rc());
        assertEquals(Captioner.EVALUATION_PROMPT, Json.MAPPER.readTree(tmp.resolve("plain-eval/" + taughtDir.getFileName() + "/evaluation.provenance.json")
                .toFile()).at("/inputs/prompt").asText());
    }

    /**
     * {@code efuf unlearn --schedule validation}: CHAIR and recall of the dataset's held-out images measured along the
     * way, the chosen step's weights kept beside the last step's, and the schedule's settings in the run's record, so a
     * rerun with another recall limit stops and says so.
     */
    @Test
    void unlearnWithTheValidationScheduleMeasuresTheHeldOutImagesAndKeepsTheChosenStep() throws Exception {
        Path data = tmp.resolve("validated-data");
        List<UnlearningSample> neg = new java.util.ArrayList<>(), pos = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            neg.add(new UnlearningSample(Kind.NEGATIVE, "train" + i + ".png", "bus", 20, "a dog,", " a bus"));
            pos.add(new UnlearningSample(Kind.POSITIVE, "train" + i + ".png", "dog", 35, "", "a dog"));
        }
        writeSamples(data.resolve("train/negative.jsonl"), neg);
        writeSamples(data.resolve("train/positive.jsonl"), pos);
        writeSamples(data.resolve("train/sentence.jsonl"), List.of(new UnlearningSample(Kind.SENTENCE, "train0.png", null, 33, "", "a dog and a cat.")));
        writeSamples(data.resolve("validation/negative.jsonl"), List.of(new UnlearningSample(Kind.NEGATIVE, "train4.png", "bus", 20, "a dog,", " a bus"),
                new UnlearningSample(Kind.NEGATIVE, "train5.png", "car", 21, "a cat,", " a car")));
        Path run = tmp.resolve("validated");
        String[] unlearn = {"unlearn", "--model", taughtDir.toString(), "--data", data.toString(), "--images", trainImages.toString(),
                "--annotations", annotations.toString(), "--out", run.toString(), "--lr", "1e-3", "--schedule", "validation", "--validate-every", "3",
                "--validation-max-new-tokens", "8", "--validation-prompt", Captioner.FORMATION_PROMPT};
        Run r = efuf(unlearn);
        assertEquals(0, r.rc(), r.err() + r.out());
        List<JsonNode> points = JsonlReader.readTree(run.resolve(UnlearningTrainer.VALIDATION_LOG)).records();
        assertEquals(List.of(0L, 3L, 4L), points.stream().map(n -> n.path("step").asLong()).toList(), "the start, every 3 steps and the last of 4");
        for (JsonNode p : points)
            for (String k : List.of("chair_s", "chair_i", "recall"))
                assertTrue(p.get(k).asDouble() >= 0 && p.get(k).asDouble() <= 1, k + " " + p);
        assertTrue(r.out().contains("validation chose step "), r.out());
        assertTrue(Files.isRegularFile(run.resolve("model-stopped/config.json")) && Files.isRegularFile(run.resolve("model/config.json")));
        String record = Files.readString(run.resolve(UnlearningTrainer.RECORD));
        assertTrue(record.contains("every 3 steps, recall limit 0.03, CHAIR of greedy captions of 2 validation images"), record);

        Run looser = efuf(concat(unlearn, "--recall-limit", "0.1"));
        assertEquals(1, looser.rc(), looser.out());
        assertTrue(looser.err().contains("validation stopping (was \"every 3 steps, recall limit 0.03") && looser.err().contains("--restart"), looser.err());
    }

    /** A run stopped after 2 steps and resumed ends with the same weights as one that ran straight through. */
    @Test
    void unlearningResumesAfterAnInterruptionExactly() throws Exception {
        Path data = tmp.resolve("resume-data");
        List<UnlearningSample> pos = List.of(new UnlearningSample(Kind.POSITIVE, "train0.png", "dog", 35, "", "a dog"),
                new UnlearningSample(Kind.POSITIVE, "train1.png", "cat", 34, "a dog", "a cat"));
        List<UnlearningSample> neg = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) neg.add(new UnlearningSample(Kind.NEGATIVE, "train" + i + ".png", "bus", 20, "a dog", "a bus"));
        writeSamples(data.resolve("train/positive.jsonl"), pos);
        writeSamples(data.resolve("train/negative.jsonl"), neg);
        writeSamples(data.resolve("train/sentence.jsonl"), List.of(new UnlearningSample(Kind.SENTENCE, "train2.png", null, 33, "", "a dog and a cat.")));
        String[] common = {"unlearn", "--model", taughtDir.toString(), "--data", data.toString(), "--images", trainImages.toString(),
                "--lr", "1e-3", "--checkpoint-every", "1"};
        Path straight = tmp.resolve("straight"), interrupted = tmp.resolve("interrupted");
        assertEquals(0, efuf(concat(common, "--out", straight.toString())).rc());
        Run first = efuf(concat(common, "--out", interrupted.toString(), "--max-steps", "2"));
        assertEquals(0, first.rc(), first.err());
        assertTrue(first.out().contains("stopped after step 2 of 5"), first.out());
        assertFalse(Files.exists(interrupted.resolve("unlearn/model")));
        // a crash after step 3's log line but before its checkpoint: the line is redone, not duplicated
        Files.writeString(interrupted.resolve("loss.jsonl"), "{\"step\": 3, \"loss\": 1.0}\n{\"step\": 4, \"lo", java.nio.file.StandardOpenOption.APPEND);
        Run second = efuf(concat(common, "--out", interrupted.toString()));
        assertEquals(0, second.rc(), second.err());
        assertTrue(second.out().contains("resumed from step 2"), second.out());
        List<JsonNode> a = JsonlReader.readTree(straight.resolve("loss.jsonl")).records(), c = JsonlReader.readTree(interrupted.resolve("loss.jsonl")).records();
        assertEquals(5, c.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i + 1, c.get(i).get("step").asInt());
            assertEquals(a.get(i).get("loss").asDouble(), c.get(i).get("loss").asDouble(), 1e-5, "step " + (i + 1));
        }
        Map<String, Tensor> x = PretrainedModels.load(straight.resolve("model"), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        Map<String, Tensor> y = PretrainedModels.load(interrupted.resolve("model"), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        for (String k : x.keySet()) assertArrayEquals(x.get(k).toFloatArray(), y.get(k).toFloatArray(), 1e-6f, k);
        assertNotEquals(0, JsonlReader.readTree(straight.resolve("loss.jsonl")).records().size());
    }

    /**
     * Unlearning on the OpenCL device (PoCL in CI) follows the CPU run: same per-step losses and weights within
     * 1e-4 relative (F32 summation order differs between the backends; a wrong kernel differs by far more).
     */
    @Test
    void unlearningOnOpenClMatchesTheCpu() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.efuf4j.gpu.opencl.OpenClDevice.list().isEmpty(), "no OpenCL device");
        Path data = tmp.resolve("device-data");
        writeSamples(data.resolve("train/positive.jsonl"), List.of(new UnlearningSample(Kind.POSITIVE, "train0.png", "dog", 35, "", "a dog")));
        writeSamples(data.resolve("train/negative.jsonl"), List.of(new UnlearningSample(Kind.NEGATIVE, "train1.png", "bus", 20, "a dog", "a bus"),
                new UnlearningSample(Kind.NEGATIVE, "train2.png", "cat", 21, "", "a cat")));
        writeSamples(data.resolve("train/sentence.jsonl"), List.of(new UnlearningSample(Kind.SENTENCE, "train2.png", null, 33, "", "a dog and a cat.")));
        String[] common = {"unlearn", "--model", taughtDir.toString(), "--data", data.toString(), "--images", trainImages.toString(), "--lr", "1e-3"};
        Path onCpu = tmp.resolve("cpu-run"), onDevice = tmp.resolve("opencl-run");
        assertEquals(0, efuf(concat(common, "--out", onCpu.toString())).rc());
        Run device = efuf(concat(common, "--out", onDevice.toString(), "--device", "opencl"));
        assertEquals(0, device.rc(), device.err());
        List<JsonNode> a = JsonlReader.readTree(onCpu.resolve("loss.jsonl")).records(), b = JsonlReader.readTree(onDevice.resolve("loss.jsonl")).records();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++)
            assertEquals(a.get(i).get("loss").asDouble(), b.get(i).get("loss").asDouble(), 1e-4 * Math.abs(a.get(i).get("loss").asDouble()) + 1e-6, "loss at step " + (i + 1));
        Map<String, Tensor> x = PretrainedModels.load(onCpu.resolve("model"), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        Map<String, Tensor> y = PretrainedModels.load(onDevice.resolve("model"), null, Device.CPU, LlavaForConditionalGeneration.class).stateDict();
        for (String k : x.keySet()) {
            float[] u = x.get(k).toFloatArray(), v = y.get(k).toFloatArray();
            float scale = 1e-3f;
            for (float f : u) scale = Math.max(scale, Math.abs(f));
            assertArrayEquals(u, v, 1e-4f * scale, k);
        }
    }

    /** Only the target clause's tokens (and EOS for whole captions) are labelled, each the next token of its position. */
    @Test
    void trainingExamplesLabelOnlyTheTarget() throws Exception {
        LlavaForConditionalGeneration llava = PretrainedModels.load(baseDir, null, Device.CPU, LlavaForConditionalGeneration.class);
        org.efuf4j.models.tokenizer.Tokenizer tok = org.efuf4j.models.tokenizer.Tokenizers.load(baseDir);
        String chat = "USER: <image>\nPlease describe the image. ASSISTANT:";
        for (boolean eos : new boolean[] {false, true}) {
            TrainingExample ex = TrainingExample.encode(llava.config(), tok, chat, eos ? "" : "a dog lies on a bed,", "and a cat sleeps", eos);
            assertEquals(ex.ids().length, ex.targets().length);
            List<Integer> labelled = new java.util.ArrayList<>();
            int first = -1;
            for (int i = 0; i < ex.targets().length; i++) {
                if (ex.targets()[i] == -100) continue;
                if (first < 0) first = i;
                assertEquals(ex.ids()[i + 1], ex.targets()[i], "position " + i + " predicts the next token");
                labelled.add((int) ex.targets()[i]);
            }
            assertEquals(labelled.size(), ex.targetTokens());
            assertEquals(ex.targets().length - 1 - first, labelled.size(), "the labels are one run up to the end");
            if (eos) assertEquals(tok.eosId(), (int) labelled.removeLast());
            assertEquals("and a cat sleeps", tok.decode(labelled.stream().mapToInt(Integer::intValue).toArray()).strip());
            long images = java.util.Arrays.stream(ex.ids()).filter(id -> id == llava.config().imageTokenIndex()).count();
            assertEquals(16, images, "the <image> placeholder is expanded to the projector's rows");
        }
        // a target that opens with its separator joins its context without a space, and the separator is labelled
        TrainingExample sep = TrainingExample.encode(llava.config(), tok, chat, "a dog lies on a bed", ", and a cat sleeps", false);
        TrainingExample plain = TrainingExample.encode(llava.config(), tok, chat, "a dog lies on a bed,", " and a cat sleeps", false);
        assertArrayEquals(plain.ids(), sep.ids(), "the same caption prefix either way");
        assertTrue(sep.targetTokens() > plain.targetTokens(), "the separator's token is a target too");
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        Run t = efuf("form-dataset", "--model", taughtDir.toString(), "--clip", clipDir.toString(), "--images", trainImages.toString(),
                "--out", tmp.resolve("bad").toString(), "--t0", "20", "--t1", "25");
        assertEquals(1, t.rc());
        assertTrue(t.err().contains("T0") && t.err().contains("T1"), t.err());
        Run passes = efuf("unlearn", "--model", taughtDir.toString(), "--data", tmp.resolve("x").toString(), "--images", trainImages.toString(),
                "--out", tmp.resolve("y").toString(), "--epochs", "5");
        assertEquals(1, passes.rc());
        assertTrue(passes.err().contains("passes over D-"), passes.err());

        // a model whose final norm holds NaN: the first step's loss is NaN and training stops with a clear error
        Path broken = Files.createDirectories(tmp.resolve("nan-llava"));
        LlavaForConditionalGeneration llava = PretrainedModels.load(baseDir, null, Device.CPU, LlavaForConditionalGeneration.class);
        var w = llava.languageModel.model.norm.weight;
        float[] nan = new float[(int) w.value().numel()];
        java.util.Arrays.fill(nan, Float.NaN);
        w.setValue(Tensor.of(nan, w.value().shape()));
        PretrainedModels.save(llava, broken);
        org.efuf4j.efuf.pipeline.ModelDirectory.copySideFiles(baseDir, broken);
        Path data = tmp.resolve("nan-data");
        writeSamples(data.resolve("train/positive.jsonl"), List.of(new UnlearningSample(Kind.POSITIVE, "train0.png", "dog", 35, "", "a dog")));
        writeSamples(data.resolve("train/negative.jsonl"), List.of(new UnlearningSample(Kind.NEGATIVE, "train1.png", "bus", 20, "a dog", "a bus")));
        writeSamples(data.resolve("train/sentence.jsonl"), List.of(new UnlearningSample(Kind.SENTENCE, "train2.png", null, 33, "", "a dog.")));
        Run nanRun = efuf("unlearn", "--model", broken.toString(), "--data", data.toString(), "--images", trainImages.toString(), "--out", tmp.resolve("nan-run").toString());
        assertEquals(1, nanRun.rc(), nanRun.out() + nanRun.err());
        assertTrue(nanRun.err().contains("loss is NaN at step 1") && nanRun.err().contains("train0.png"), nanRun.err());
        assertFalse(Files.exists(tmp.resolve("nan-run/model")));
    }

    /**
     * The run on small models: --lr 0.3 --lambda1 3 --trainable all blew the losses up within the first steps
     * and exited 0 with a model that wrote "A A A ...". It must stop with the step, the terms and the remedy.
     */
    @Test
    void anEarlyBlowUpStopsWithStepTermsAndRemedy() throws Exception {
        Path data = tmp.resolve("blowup-data");
        List<UnlearningSample> neg = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) neg.add(new UnlearningSample(Kind.NEGATIVE, "train" + i + ".png", "bus", 20, "a dog", " a bus"));
        writeSamples(data.resolve("train/positive.jsonl"), List.of(new UnlearningSample(Kind.POSITIVE, "train0.png", "dog", 35, "", "a dog"),
                new UnlearningSample(Kind.POSITIVE, "train1.png", "cat", 34, "a dog", " a cat")));
        writeSamples(data.resolve("train/negative.jsonl"), neg);
        writeSamples(data.resolve("train/sentence.jsonl"), List.of(new UnlearningSample(Kind.SENTENCE, "train2.png", null, 33, "", "a dog and a cat.")));
        Path out = tmp.resolve("blowup-run");
        Run r = efuf("unlearn", "--model", taughtDir.toString(), "--data", data.toString(), "--images", trainImages.toString(),
                "--out", out.toString(), "--lr", "0.3", "--lambda1", "3", "--trainable", "all");
        assertEquals(1, r.rc(), "a blown-up run must not exit 0: " + r.out() + r.err());
        assertTrue(r.err().contains("unlearning diverged at step ") && r.err().contains("L_neg") && r.err().contains("L_pos")
                && r.err().contains("Lower --lr (now 0.3)") && r.err().contains("--restart"), r.err());
        assertFalse(Files.exists(out.resolve("model")), "no model is written from a diverged run");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static void assertPng(Path p) throws Exception {
        byte[] bytes = Files.readAllBytes(p);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', p.toString());
        assertTrue(ImageIO.read(p.toFile()).getWidth() > 100);
    }
}

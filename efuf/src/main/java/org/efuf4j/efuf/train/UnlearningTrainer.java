package org.efuf4j.efuf.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.efuf.dataset.DatasetFiles;
import org.efuf4j.efuf.dataset.UnlearningSample;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.io.JsonlWriter;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.Figures;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.pipeline.ModelDirectory;
import org.efuf4j.efuf.pipeline.Progress;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.safetensors.SafetensorsFile;
import org.efuf4j.tensor.safetensors.SafetensorsWriter;

/**
 * Fine-grained unlearning: each step takes one sample of each kind the ablation uses (D- in a seeded shuffled order,
 * D+ and Ds cycling), computes {@code L = L_pos + lambda1 L_neg + lambda2 L_sent} over target tokens only, and takes
 * an AdamW step on the trainable set. An epoch is one pass over D- (over Ds for the sentence-only ablation).
 *
 * <p>The run directory holds {@code loss.jsonl} (one line per step), {@code loss.png}, {@code checkpoints/step-N/}
 * (trainable weights, optimizer state, trainer state; the two newest are kept) and finally {@code model/}, a
 * Hugging Face checkpoint directory. A run started again on the same directory resumes from the newest checkpoint;
 * loss lines after it are dropped, since those steps are redone.
 */
public final class UnlearningTrainer {
    private static final System.Logger LOG = System.getLogger(UnlearningTrainer.class.getName());
    public static final String MODEL_DIR = "model", LOSS_LOG = "loss.jsonl", FINISHED = "finished.json";
    /** Steps whose negative loss defines the starting level the divergence guard compares with. */
    static final int GUARD_WARMUP = 5;

    /**
     * @param stoppedEarly  true when {@code maxSteps} ended the run before the epoch(s) finished
     * @param stoppedModel  with a {@link ValidationStopping}: the model at the chosen step (null otherwise)
     * @param stoppedAtStep the chosen step (0: the starting model), -1 without validation
     */
    public record Result(long steps, long totalSteps, boolean stoppedEarly, Path model, int resumedFromStep, Path stoppedModel, long stoppedAtStep) {}

    public static final String STOPPED_MODEL_DIR = "model-stopped", VALIDATION_LOG = "validation.jsonl";

    private final TrainerSettings settings;
    private final Path baseModel, dataDir, runDir;
    private final ImageFolder images;
    private final Device device;
    private final ValidationStopping stopping;

    public UnlearningTrainer(TrainerSettings settings, Path baseModel, Path dataDir, ImageFolder images, Path runDir, Device device) {
        this(settings, baseModel, dataDir, images, runDir, device, null);
    }

    /** @param stopping null for the paper's schedule alone; else the run also keeps the validation-chosen weights */
    public UnlearningTrainer(TrainerSettings settings, Path baseModel, Path dataDir, ImageFolder images, Path runDir, Device device,
                             ValidationStopping stopping) {
        this.settings = settings;
        this.baseModel = baseModel;
        this.dataDir = dataDir;
        this.images = images;
        this.runDir = runDir;
        this.device = device;
        this.stopping = stopping;
    }

    private List<UnlearningSample> load(String kind, boolean needed) {
        Path f = dataDir.resolve("train").resolve(kind + ".jsonl");
        if (!Files.isRegularFile(f)) {
            if (needed) throw new IllegalArgumentException("dataset " + dataDir + " has no " + f.getFileName() + " under train/ (run efuf form-dataset first)");
            return List.of();
        }
        List<UnlearningSample> s = DatasetFiles.read(f);
        if (needed && s.isEmpty()) throw new IllegalArgumentException(f + " is empty: the " + settings.ablation().word + " ablation needs " + kind
                + " samples (loosen the thresholds or give more images)");
        return s;
    }

    /** The three sets a run draws from; a set the ablation does not use is empty. */
    private record Sets(List<UnlearningSample> positives, List<UnlearningSample> negatives, List<UnlearningSample> sentences) {
        List<UnlearningSample> of(String kind) {
            return switch (kind) {
                case "negative" -> negatives;
                case "sentence" -> sentences;
                default -> positives;
            };
        }
    }

    /** One step's losses as logged: the total and each term's L_ft (NaN when the ablation leaves it out). */
    private record StepLosses(double loss, Term positive, Term negative, Term sentence, double lambda1, boolean negativeCapped) {}

    public Result train() {
        Ablation ab = settings.ablation();
        checkGranularity(ab);
        Sets sets = new Sets(ab.positives ? load("positive", true) : List.of(), ab.negatives ? load("negative", true) : List.of(),
                ab.sentences ? load("sentence", true) : List.of());
        long totalSteps = (long) settings.epochs() * sets.of(ab.driver()).size();
        double[] t0t1 = thresholds();

        Path model = runDir.resolve(MODEL_DIR);
        if (Files.isRegularFile(runDir.resolve(FINISHED))) {
            LOG.log(System.Logger.Level.INFO, "{0} already finished; nothing to do", runDir);
            return finishedResult(totalSteps, model);
        }
        Captioner captioner = Captioner.load(baseModel, device, settings.template());
        LlavaForConditionalGeneration llava = captioner.model();
        llava.freeze();
        for (Module part : settings.trainable().parts(llava)) PretrainedModels.makeTrainable(part);
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        llava.namedParameters().forEach((k, p) -> { if (p.requiresGrad()) trainable.put(k, p); });
        AdamW opt = new AdamW(new ArrayList<>(trainable.values()), settings.lr(), 0.9f, 0.999f, 1e-8f, (float) settings.weightDecay());

        Path checkpoints = runDir.resolve("checkpoints");
        Path latest = latestCheckpoint(checkpoints);
        Guard guard = new Guard();
        Validation validation = stopping == null ? null : new Validation();
        int resumed = 0;
        if (latest != null) {
            resumed = restore(latest, trainable, opt, guard, validation);
            LOG.log(System.Logger.Level.INFO, "resuming {0} from step {1}", runDir, resumed);
        }
        truncateLog(LOSS_LOG, resumed);
        if (validation != null) {
            truncateLog(VALIDATION_LOG, resumed == 0 ? -1 : resumed); // a fresh run measures its start again
            validation.points.clear();
            validation.points.addAll(readPoints());
            if (resumed == 0) validation.observe(captioner, 0, trainable);
        }
        long end = settings.maxSteps() > 0 ? Math.min(totalSteps, settings.maxSteps()) : totalSteps;
        String chat = captioner.chatText(settings.prompt());
        long step = resumed;
        try (JsonlWriter log = JsonlWriter.append(runDir.resolve(LOSS_LOG)); Progress bar = new Progress("unlearn", totalSteps, resumed)) {
            for (; step < end; step++) {
                double progress = totalSteps <= 1 ? 0 : (double) step / (totalSteps - 1);
                StepLosses l = step(captioner, chat, sets, step, progress, opt, t0t1, checkpoints);
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.put("step", step + 1);
                line.put("loss", l.loss());
                putOrNull(line, "l_pos", val(l.positive()));
                putOrNull(line, "l_neg", val(l.negative()));
                putOrNull(line, "l_sent", val(l.sentence()));
                line.put("lambda1", l.lambda1());
                line.put("negative_capped", l.negativeCapped());
                log.write(line);
                bar.step();
                if (l.negative() != null) {
                    String why = guard.observe(l.negative().value, step + 1, settings.divergenceFactor());
                    if (why != null) {
                        save(checkpoints, step + 1, trainable, opt, guard, validation);
                        throw new TrainingDivergedException(why + "; lower --lambda1 (now " + settings.lambda1() + ") or --lr (now " + settings.lr()
                                + "), or tighten --negative-cap (now " + settings.negativeCap() + "). Checkpoint saved at step " + (step + 1));
                    }
                }
                if (validation != null && stopping.due(step + 1, totalSteps)) validation.observe(captioner, step + 1, trainable);
                if ((step + 1) % settings.checkpointEvery() == 0 && step + 1 < end) save(checkpoints, step + 1, trainable, opt, guard, validation);
            }
        }
        plotLosses();
        if (step < totalSteps) {
            save(checkpoints, step, trainable, opt, guard, validation);
            return new Result(step, totalSteps, true, null, resumed, null, -1);
        }
        saveModel(llava, model);
        Path stoppedModel = null;
        long stoppedAt = -1;
        if (validation != null) {
            plotValidation();
            stoppedAt = validation.points.get(ValidationStopping.choose(validation.points, stopping.recallLimit())).step();
            if (validation.bestStep != stoppedAt)
                throw new IllegalStateException("the kept weights are of step " + validation.bestStep + " but the validation log chooses step " + stoppedAt);
            trainable.forEach((k, p) -> p.setValue(validation.best.get(k).to(p.value().device())));
            stoppedModel = runDir.resolve(STOPPED_MODEL_DIR);
            saveModel(llava, stoppedModel);
        }
        AtomicFiles.writeString(runDir.resolve(FINISHED), "{\"steps\": " + step + (stoppedAt >= 0 ? ", \"stopped_at_step\": " + stoppedAt : "") + "}\n");
        return new Result(step, totalSteps, false, model, resumed, stoppedModel, stoppedAt);
    }

    /**
     * One EFUF update, the paper's equation: {@code L = L_pos + lambda1 L_neg + lambda2 L_sent} with
     * {@code L_neg = -L_ft} of a hallucinated clause (gradient ascent), each term the mean cross-entropy over its
     * target tokens on one sample of D+, D- and Ds; the terms the ablation leaves out count zero. A negative whose
     * L_ft already exceeds the cap adds no ascent. Then one AdamW step on the trainable set.
     */
    private StepLosses step(Captioner captioner, String chat, Sets sets, long step, double progress, AdamW opt, double[] t0t1, Path checkpoints) {
        Ablation ab = settings.ablation();
        double lambda1 = settings.lambda1At(progress), posWeight = settings.positiveWeightAt(progress);
        opt.zeroGrad();
        Term pos = ab.positives ? term(captioner, chat, pick(sets.positives(), step, 1), false, t0t1) : null;
        Term neg = ab.negatives ? term(captioner, chat, pick(sets.negatives(), step, 0), false, t0t1) : null;
        Term sent = ab.sentences ? term(captioner, chat, pick(sets.sentences(), step, ab.negatives ? 2 : 0), true, t0t1) : null;
        boolean capped = neg != null && neg.value > settings.negativeCap();
        Variable loss = UnlearningLoss.combine(pos == null ? null : pos.weighted.scale((float) posWeight),
                neg == null || capped ? null : neg.weighted, sent == null ? null : sent.weighted, lambda1, settings.lambda2());
        double value = loss.value().toFloatArray()[0];
        if (!Double.isFinite(value))
            throw new TrainingDivergedException("loss is " + value + " at step " + (step + 1) + " (L_pos=" + val(pos) + ", L_neg=" + val(neg) + ", L_sent=" + val(sent)
                    + ", images " + img(pos) + " / " + img(neg) + " / " + img(sent) + "): the model's weights or the learning rate are broken; lower --lr"
                    + " or resume from the last checkpoint in " + checkpoints);
        loss.backward();
        opt.step();
        return new StepLosses(value, pos, neg, sent, lambda1, capped);
    }

    private Result finishedResult(long totalSteps, Path model) {
        long stoppedAt = -1;
        Path stopped = runDir.resolve(STOPPED_MODEL_DIR);
        try {
            stoppedAt = Json.MAPPER.readTree(runDir.resolve(FINISHED).toFile()).path("stopped_at_step").asLong(-1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir.resolve(FINISHED) + ": " + e.getMessage(), e);
        }
        return new Result(totalSteps, totalSteps, false, model, (int) totalSteps, stoppedAt >= 0 ? stopped : null, stoppedAt);
    }

    private void saveModel(LlavaForConditionalGeneration llava, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PretrainedModels.save(llava, dir);
        ModelDirectory.copySideFiles(baseModel, dir);
    }

    /** The validation measurements so far and the weights of the best one (what the stopped model will be). */
    private final class Validation {
        final List<ValidationStopping.Point> points = new ArrayList<>();
        Map<String, Tensor> best;
        long bestStep = -1;

        void observe(Captioner captioner, long step, Map<String, Parameter> trainable) {
            ValidationStopping.Point p = stopping.probe().measure(captioner, step);
            points.add(p);
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.put("step", p.step());
            line.put("chair_s", p.chairS());
            line.put("chair_i", p.chairI());
            line.put("recall", p.recall());
            try (JsonlWriter w = JsonlWriter.append(runDir.resolve(VALIDATION_LOG))) {
                w.write(line);
            }
            if (points.get(ValidationStopping.choose(points, stopping.recallLimit())) == p) {
                best = new LinkedHashMap<>();
                // a copy: AdamW updates the parameters' storage in place
                trainable.forEach((k, t) -> best.put(k, Tensor.of(t.value().toFloatArray(), t.value().shape())));
                bestStep = step;
            }
            LOG.log(System.Logger.Level.INFO, "validation at step {0}: CHAIR_s {1}, CHAIR_i {2}, recall {3}; keeping step {4}",
                    step, p.chairS(), p.chairI(), p.recall(), bestStep);
        }
    }

    private List<ValidationStopping.Point> readPoints() {
        Path f = runDir.resolve(VALIDATION_LOG);
        List<ValidationStopping.Point> out = new ArrayList<>();
        if (!Files.exists(f)) return out;
        for (JsonNode n : JsonlReader.readTree(f).records())
            out.add(new ValidationStopping.Point(n.path("step").asLong(), n.path("chair_s").asDouble(), n.path("chair_i").asDouble(), n.path("recall").asDouble()));
        return out;
    }

    private void checkGranularity(Ablation ab) {
        Path stats = dataDir.resolve("statistics.json");
        if (!Files.isRegularFile(stats)) return;
        try {
            String g = Json.MAPPER.readTree(stats.toFile()).path("granularity").asText("subsentence");
            boolean sentence = g.equals("sentence");
            if (ab == Ablation.VANILLA && !sentence)
                throw new IllegalArgumentException("the vanilla ablation unlearns whole sentences, but " + dataDir + " was formed with " + g
                        + " granularity; form it with efuf form-dataset --granularity sentence");
            if (ab != Ablation.VANILLA && sentence)
                throw new IllegalArgumentException(dataDir + " holds whole-sentence samples (granularity sentence): train it with --ablation vanilla");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stats + ": " + e.getMessage(), e);
        }
    }

    private double[] thresholds() {
        Path stats = dataDir.resolve("statistics.json");
        if (!settings.sampleWeights()) return null;
        if (!Files.isRegularFile(stats)) throw new IllegalArgumentException("per-sample weights need T0 and T1 from " + stats + ", which is missing");
        try {
            JsonNode t = Json.MAPPER.readTree(stats.toFile()).path("thresholds");
            return new double[] {t.path("t0").asDouble(), t.path("t1").asDouble()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stats + ": " + e.getMessage(), e);
        }
    }

    /** The sample for this step: a seeded shuffle per pass, so any step's sample is known without replaying the run. */
    private UnlearningSample pick(List<UnlearningSample> set, long step, int stream) {
        int n = set.size();
        long pass = step / n;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Random r = new Random(settings.seed() * 1_000_003L + stream * 7919L + pass);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        return set.get(order[(int) (step % n)]);
    }

    private record Term(Variable weighted, double value, String image) {}

    private Term term(Captioner captioner, String chat, UnlearningSample sample, boolean wholeCaption, double[] t0t1) {
        TrainingExample ex = TrainingExample.encode(captioner.model().config(), captioner.tokenizer(), chat,
                wholeCaption ? "" : sample.context(), sample.target(), wholeCaption);
        Tensor pixels = captioner.pixels(images.require(sample.image()));
        Variable logits = captioner.model().forward(ex.idsTensor(), null, pixels).logits();
        Variable ce = UnlearningLoss.targetCrossEntropy(logits, ex.targetsTensor()).mean();
        double value = ce.value().toFloatArray()[0];
        double w = 1;
        if (t0t1 != null) w = switch (sample.kind()) {
            case POSITIVE, SENTENCE -> sample.score();
            case NEGATIVE -> t0t1[0] + t0t1[1] - sample.score();
        };
        return new Term(w == 1 ? ce : ce.scale((float) w), value, sample.image());
    }

    private static double val(Term t) { return t == null ? Double.NaN : t.value; }

    private static String img(Term t) { return t == null ? "-" : t.image; }

    private static void putOrNull(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) n.put(k, v);
        else n.putNull(k);
    }

    /** Watches L_ft of the negatives: gradient ascent that runs away shows as this number growing without bound. */
    static final class Guard {
        double start, running;
        int seen;

        String observe(double negCe, long step, double factor) {
            seen++;
            if (seen <= GUARD_WARMUP) {
                start += (negCe - start) / seen;
                running = start;
                return null;
            }
            running = 0.8 * running + 0.2 * negCe;
            if (running > factor * start)
                return String.format(java.util.Locale.ROOT, "L_neg diverges: the negatives' cross-entropy rose from %.3f (first %d steps) to %.3f (running mean) at step %d, more than %.1fx",
                        start, GUARD_WARMUP, running, step, factor);
            return null;
        }
    }

    private static Path latestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("step-") && Files.isRegularFile(p.resolve("state.json")))
                    .max(Comparator.comparingLong(UnlearningTrainer::stepOf)).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long stepOf(Path p) { return Long.parseLong(p.getFileName().toString().substring("step-".length())); }

    /** Written to a temporary directory and renamed, so a crash mid-save leaves the previous checkpoint intact. */
    private void save(Path dir, long step, Map<String, Parameter> trainable, AdamW opt, Guard guard, Validation validation) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(".tmp-step-" + step);
            if (Files.exists(tmp)) deleteTree(tmp);
            Files.createDirectories(tmp);
            Map<String, Tensor> weights = new LinkedHashMap<>();
            trainable.forEach((k, p) -> weights.put(k, p.value().toHost()));
            SafetensorsWriter.write(tmp.resolve("trainable.safetensors"), weights);
            opt.save(tmp.resolve("optimizer.safetensors"));
            ObjectNode state = Json.MAPPER.createObjectNode();
            state.put("step", step);
            state.put("guard_start", guard.start);
            state.put("guard_running", guard.running);
            state.put("guard_seen", guard.seen);
            if (validation != null && validation.best != null) {
                SafetensorsWriter.write(tmp.resolve("validation-best.safetensors"), validation.best);
                state.put("validation_best_step", validation.bestStep);
            }
            Files.writeString(tmp.resolve("state.json"), state.toString());
            Path target = dir.resolve("step-" + step);
            if (Files.exists(target)) deleteTree(target);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> old = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted(Comparator.comparingLong(UnlearningTrainer::stepOf)).toList();
                for (int i = 0; i < old.size() - 2; i++) deleteTree(old.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint under " + dir + ": " + e.getMessage(), e);
        }
    }

    private int restore(Path checkpoint, Map<String, Parameter> trainable, AdamW opt, Guard guard, Validation validation) {
        Path weights = checkpoint.resolve("trainable.safetensors");
        Map<String, Tensor> saved = SafetensorsFile.open(weights).tensors();
        if (!saved.keySet().equals(trainable.keySet()))
            throw new IllegalArgumentException(weights + " holds " + saved.size() + " tensors for a different trainable set than --trainable "
                    + settings.trainable() + " (" + trainable.size() + " parameters); resume with the same settings or use a new run directory");
        trainable.forEach((k, p) -> {
            Tensor t = saved.get(k);
            p.setValue(Tensor.of(t.toFloatArray(), t.shape()).to(p.value().device()).to(DType.F32));
        });
        opt.load(checkpoint.resolve("optimizer.safetensors"));
        try {
            JsonNode state = Json.MAPPER.readTree(checkpoint.resolve("state.json").toFile());
            guard.start = state.path("guard_start").asDouble();
            guard.running = state.path("guard_running").asDouble();
            guard.seen = state.path("guard_seen").asInt();
            if (validation != null && state.has("validation_best_step")) {
                validation.bestStep = state.path("validation_best_step").asLong();
                validation.best = new LinkedHashMap<>();
                SafetensorsFile.open(checkpoint.resolve("validation-best.safetensors")).tensors()
                        .forEach((k, t) -> validation.best.put(k, Tensor.of(t.toFloatArray(), t.shape())));
            }
            return state.path("step").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + checkpoint.resolve("state.json") + ": " + e.getMessage(), e);
        }
    }

    /** Keeps a log's lines of steps up to the checkpoint; later ones were lost with the crash and are redone. */
    private void truncateLog(String name, long step) {
        Path f = runDir.resolve(name);
        if (!Files.exists(f)) return;
        StringBuilder keep = new StringBuilder();
        for (JsonNode n : JsonlReader.readTree(f).records()) if (n.path("step").asLong() <= step) keep.append(n).append('\n');
        AtomicFiles.writeString(f, keep.toString());
    }

    private void plotLosses() {
        Path f = runDir.resolve(LOSS_LOG);
        if (!Files.exists(f)) return;
        List<JsonNode> lines = JsonlReader.readTree(f).records();
        if (lines.isEmpty()) return;
        long[] steps = new long[lines.size()];
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String k : List.of("loss", "l_pos", "l_neg", "l_sent")) series.put(k, new double[lines.size()]);
        for (int i = 0; i < lines.size(); i++) {
            steps[i] = lines.get(i).path("step").asLong();
            for (var e : series.entrySet()) {
                JsonNode v = lines.get(i).get(e.getKey());
                e.getValue()[i] = v == null || v.isNull() ? Double.NaN : v.asDouble();
            }
        }
        Figures.installed().curves("EFUF unlearning losses", steps, series, runDir.resolve("loss.png"));
    }

    private void plotValidation() {
        List<ValidationStopping.Point> points = readPoints();
        long[] steps = new long[points.size()];
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String k : List.of("CHAIR_s", "CHAIR_i", "recall")) series.put(k, new double[points.size()]);
        for (int i = 0; i < points.size(); i++) {
            ValidationStopping.Point p = points.get(i);
            steps[i] = p.step();
            series.get("CHAIR_s")[i] = p.chairS();
            series.get("CHAIR_i")[i] = p.chairI();
            series.get("recall")[i] = p.recall();
        }
        Figures.installed().curves("CHAIR and recall on the validation images", steps, series, runDir.resolve("validation.png"));
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}

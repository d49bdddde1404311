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
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.Parameter;
import org.efuf4j.autograd.optim.AdamW;
import org.efuf4j.efuf.dataset.SampleSelector;
import org.efuf4j.efuf.dataset.DatasetFiles;
import org.efuf4j.efuf.dataset.UnlearningSample;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Digests;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.io.JsonlWriter;
import org.efuf4j.efuf.io.StageRecord;
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

    /**
     * @param steps           steps run; a validation schedule that runs past the paper's (its {@code passes}) runs more
     *                        than the paper's weights in {@code model} were trained for
     * @param stoppedEarly    true when {@code maxSteps} ended the run before the epoch(s) finished
     * @param stoppedModel    with a {@link ValidationStopping}: the model at the chosen step (null otherwise)
     * @param stoppedAtStep   the chosen step (0: the starting model), -1 without validation
     * @param alreadyFinished true when an earlier run with the same inputs had finished: nothing was trained now
     * @param draws           per set the ablation trains on ("positive", "negative", "sentence"): its size, and how often
     *                        and how many distinct samples of it the steps run so far drew
     */
    public record Result(long steps, long totalSteps, boolean stoppedEarly, Path model, int resumedFromStep, Path stoppedModel, long stoppedAtStep,
                         boolean alreadyFinished, Map<String, SampleDraws.Use> draws) {
        /** The weights a schedule hands on: the last step's for the paper's, the chosen step's for validation stopping. */
        public Path model(Schedule schedule) {
            return switch (schedule) {
                case PAPER -> model;
                case VALIDATION -> {
                    if (stoppedModel == null) throw new IllegalStateException("this run had no validation stopping, so it has no " + STOPPED_MODEL_DIR + "/");
                    yield stoppedModel;
                }
            };
        }
    }

    public static final String STOPPED_MODEL_DIR = "model-stopped", VALIDATION_LOG = "validation.jsonl";

    private final TrainerSettings settings;
    private final Path baseModel, dataDir, runDir;
    private final ImageFolder images;
    private final Device device;
    private final ValidationStopping stopping;
    private final SampleDraws draws;

    private boolean restart;

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
        this.draws = new SampleDraws(settings.seed());
    }

    /** Discard checkpoints and a model that other inputs made, instead of stopping with an error that says what differs. */
    public UnlearningTrainer restart(boolean restart) {
        this.restart = restart;
        return this;
    }

    /** The record of what made the run directory's checkpoints, losses and model. */
    public static final String RECORD = "unlearning.provenance.json";

    /**
     * Resuming (or reporting "finished") is right only for the same base model, dataset, images and settings; the step
     * limit and checkpoint interval change when a run stops, not what it computes, so they may differ.
     */
    private void claim() {
        List<Path> sets = new ArrayList<>();
        for (String kind : List.of("positive", "negative", "sentence")) {
            Path f = dataDir.resolve("train").resolve(kind + ".jsonl");
            if (Files.isRegularFile(f)) sets.add(f);
        }
        if (settings.sampleWeights() && Files.isRegularFile(dataDir.resolve("statistics.json"))) sets.add(dataDir.resolve("statistics.json"));
        StageRecord.of("unlearning")
                .with("base model files", Digests.ofDirectory(baseModel))
                .with("dataset", Digests.ofFiles(sets))
                .with("images", Digests.ofListing(images.dir(), images.names()))
                .with("--lambda1", settings.lambda1()).with("--lambda2", settings.lambda2()).with("--lr", settings.lr())
                .with("--weight-decay", settings.weightDecay()).with("--trainable", settings.trainable())
                .with("--ablation", settings.ablation()).with("--sample-weights", settings.sampleWeights())
                .with("--implementation-schedules", settings.implementationSchedules())
                .with("--negative-cap", settings.negativeCap()).with("--epochs", settings.epochs())
                .with("--divergence-factor", settings.divergenceFactor()).with("--train-seed", settings.seed())
                .with("--train-prompt", settings.prompt()).with("--train-template", settings.template())
                .with("validation stopping", stopping == null ? "none" : stopping.describe())
                .claim(runDir, runDir.resolve(RECORD), restart, List.of(runDir.resolve("checkpoints"), runDir.resolve(LOSS_LOG),
                        runDir.resolve("loss.png"), runDir.resolve(FINISHED), runDir.resolve(MODEL_DIR), runDir.resolve(STOPPED_MODEL_DIR),
                        runDir.resolve(VALIDATION_LOG), runDir.resolve("validation.png")));
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

    private static Map<String, SampleDraws.Use> uses(Sets sets, long steps) {
        Map<String, SampleDraws.Use> m = new LinkedHashMap<>();
        for (String kind : List.of("negative", "positive", "sentence"))
            if (!sets.of(kind).isEmpty()) m.put(kind, SampleDraws.Use.of(sets.of(kind).size(), steps));
        return m;
    }

    /** One step's losses as logged: the total and each term's L_ft (NaN when the ablation leaves it out). */
    private record StepLosses(double loss, Term positive, Term negative, Term sentence, double lambda1, boolean negativeCapped) {}

    public Result train() {
        Ablation ab = settings.ablation();
        checkGranularity(ab);
        Sets sets = new Sets(ab.positives ? load("positive", true) : List.of(), ab.negatives ? load("negative", true) : List.of(),
                ab.sentences ? load("sentence", true) : List.of());
        // the paper's schedule keeps the weights of its last step; the validation schedule may run on past it
        int driverSize = sets.of(ab.driver()).size();
        long paperSteps = SampleDraws.steps(settings.epochs(), driverSize);
        if (stopping != null && stopping.passes() > settings.maxNegativePasses())
            throw new IllegalArgumentException("the validation schedule's " + stopping.passes() + " passes over D- exceed the bound of "
                    + settings.maxNegativePasses() + ": repeated gradient ascent on the same clauses drives them to zero probability and wrecks fluency");
        long totalSteps = stopping == null ? paperSteps : Math.max(paperSteps, SampleDraws.steps(stopping.passes(), driverSize));
        double[] t0t1 = thresholds();

        Path model = runDir.resolve(MODEL_DIR);
        claim();
        if (Files.isRegularFile(runDir.resolve(FINISHED))) {
            Result r = finishedResult(model, sets);
            LOG.log(System.Logger.Level.INFO, "{0} already finished after {1} steps; nothing to do", runDir, r.steps());
            return r;
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
        Guard guard = new Guard(settings.negativeCap());
        Validation validation = stopping == null ? null : new Validation();
        int resumed = 0;
        String chat = captioner.chatText(settings.prompt());
        if (latest != null) {
            resumed = restore(latest, trainable, opt, guard, validation);
            LOG.log(System.Logger.Level.INFO, "resuming {0} from step {1}", runDir, resumed);
        } else {
            guard.setBaseline(baseline(captioner, chat, sets, ab));
        }
        truncateLog(LOSS_LOG, resumed);
        if (validation != null) {
            truncateLog(VALIDATION_LOG, resumed == 0 ? -1 : resumed); // a fresh run measures its start again
            validation.points.clear();
            validation.points.addAll(readPoints());
            if (resumed == 0) validation.observe(captioner, 0, trainable);
        }
        long end = settings.maxSteps() > 0 ? Math.min(totalSteps, settings.maxSteps()) : totalSteps;
        long step = resumed;
        try (JsonlWriter log = JsonlWriter.append(runDir.resolve(LOSS_LOG)); Progress bar = new Progress("unlearn", totalSteps, resumed)) {
            for (; step < end; step++) {
                // the authors' schedules run over the paper's steps; steps past them (validation only) hold their end values
                double progress = paperSteps <= 1 ? 0 : Math.min(1.0, (double) step / (paperSteps - 1));
                StepLosses l = step(captioner, chat, sets, step, progress, opt, t0t1, checkpoints);
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.put("step", step + 1);
                line.put("loss", l.loss());
                putOrNull(line, "l_pos", val(l.positive()));
                putOrNull(line, "l_neg", val(l.negative()));
                putOrNull(line, "l_sent", val(l.sentence()));
                line.put("lambda1", l.lambda1());
                line.put("negative_capped", l.negativeCapped());
                // which sample of each set the step trained on (its line in train/KIND.jsonl, from 0): the schedule made visible
                ObjectNode drawn = line.putObject("drawn");
                putDrawn(drawn, "positive", l.positive());
                putDrawn(drawn, "negative", l.negative());
                putDrawn(drawn, "sentence", l.sentence());
                log.write(line);
                bar.step();
                Map<String, Double> terms = new LinkedHashMap<>();
                terms.put("L_pos", val(l.positive()));
                terms.put("L_neg", val(l.negative()));
                terms.put("L_sent", val(l.sentence()));
                String why = guard.observe(terms, step + 1, settings.divergenceFactor());
                if (why != null) {
                    // No checkpoint: resuming a broken model helps nobody; the remedy is other settings from the start.
                    throw new TrainingDivergedException(why + ". Lower --lr (now " + settings.lr() + ") or --lambda1 (now " + settings.lambda1()
                            + "), train fewer weights (--trainable projector; now " + switch (settings.trainable()) {
                                case PROJECTOR -> "projector"; case PROJECTOR_AND_LM -> "projector-lm"; case ALL -> "all"; }
                            + "), or tighten --negative-cap (now " + settings.negativeCap() + "), and run again with " + StageRecord.RESTART_OPTION);
                }
                if (validation != null && stopping.due(step + 1, totalSteps)) validation.observe(captioner, step + 1, trainable);
                if (step + 1 == paperSteps && totalSteps > paperSteps) saveModel(llava, model);
                if ((step + 1) % settings.checkpointEvery() == 0 && step + 1 < end) save(checkpoints, step + 1, trainable, opt, guard, validation);
            }
        }
        plotLosses();
        if (step < totalSteps) {
            save(checkpoints, step, trainable, opt, guard, validation);
            return new Result(step, totalSteps, true, null, resumed, null, -1, false, uses(sets, step));
        }
        if (totalSteps == paperSteps) saveModel(llava, model);
        else if (!Files.isDirectory(model))
            throw new IllegalStateException(model + " is missing: the paper schedule's weights are saved at its step " + paperSteps
                    + ", before the checkpoint this run resumed from; run again with " + StageRecord.RESTART_OPTION);
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
        Map<String, SampleDraws.Use> uses = uses(sets, step);
        ObjectNode finished = Json.MAPPER.createObjectNode();
        finished.put("steps", step);
        if (stoppedAt >= 0) finished.put("stopped_at_step", stoppedAt);
        finished.set("draws", Json.MAPPER.valueToTree(uses));
        AtomicFiles.writeString(runDir.resolve(FINISHED), finished + "\n");
        return new Result(step, totalSteps, false, model, resumed, stoppedModel, stoppedAt, false, uses);
    }

    /**
     * One EFUF update, the paper's equation: {@code L = L_pos + lambda1 L_neg + lambda2 L_sent} with
     * {@code L_neg = -L_ft} of a hallucinated clause (gradient ascent), each term the mean cross-entropy over its
     * target tokens on one sample of D+, D- and Ds; the terms the ablation leaves out count zero. A negative whose
     * L_ft already exceeds the cap adds no ascent. Then one AdamW step on the trainable set; a step left with no term
     * (ascent only, its negative capped) takes none, since even a zero gradient would move the weights by AdamW's
     * momentum and weight decay.
     */
    private StepLosses step(Captioner captioner, String chat, Sets sets, long step, double progress, AdamW opt, double[] t0t1, Path checkpoints) {
        Ablation ab = settings.ablation();
        double lambda1 = settings.lambda1At(progress), posWeight = settings.positiveWeightAt(progress);
        opt.zeroGrad();
        Term pos = ab.positives ? term(captioner, chat, sets, "positive", step, t0t1) : null;
        Term neg = ab.negatives ? term(captioner, chat, sets, "negative", step, t0t1) : null;
        Term sent = ab.sentences ? term(captioner, chat, sets, "sentence", step, t0t1) : null;
        boolean capped = neg != null && neg.value > settings.negativeCap();
        if (capped && pos == null && sent == null) return new StepLosses(0, null, neg, null, lambda1, true);
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

    /** The finished run as {@code finished.json} records it: its steps and, with validation, the chosen step. */
    private Result finishedResult(Path model, Sets sets) {
        JsonNode f;
        try {
            f = Json.MAPPER.readTree(runDir.resolve(FINISHED).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir.resolve(FINISHED) + ": " + e.getMessage(), e);
        }
        long steps = f.path("steps").asLong(), stoppedAt = f.path("stopped_at_step").asLong(-1);
        return new Result(steps, steps, false, model, (int) steps, stoppedAt >= 0 ? runDir.resolve(STOPPED_MODEL_DIR) : null, stoppedAt, true,
                uses(sets, steps));
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
            boolean sentence = SampleSelector.Granularity.ofRecorded(g).wholeSentences();
            if (ab == Ablation.VANILLA && !sentence)
                throw new IllegalArgumentException("the vanilla ablation unlearns whole sentences, but " + dataDir + " was formed with " + g
                        + " granularity; form it with efuf form-dataset --granularity sentence (or sentence-lowest)");
            if (ab != Ablation.VANILLA && sentence)
                throw new IllegalArgumentException(dataDir + " holds whole-sentence samples (granularity " + g + "): train it with --ablation vanilla");
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

    /** One loss term: its weighted graph, its L_ft, and which sample of its set it was computed on. */
    private record Term(Variable weighted, double value, String image, int index) {}

    /** The term of the sample the paper's schedule draws from the set of {@code kind} at {@code step}. */
    private Term term(Captioner captioner, String chat, Sets sets, String kind, long step, double[] t0t1) {
        List<UnlearningSample> set = sets.of(kind);
        int index = draws.index(set.size(), step, SampleDraws.stream(settings.ablation(), kind));
        return term(captioner, chat, set.get(index), index, kind.equals("sentence"), t0t1);
    }

    private Term term(Captioner captioner, String chat, UnlearningSample sample, int index, boolean wholeCaption, double[] t0t1) {
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
        return new Term(w == 1 ? ce : ce.scale((float) w), value, sample.image(), index);
    }

    private static double val(Term t) { return t == null ? Double.NaN : t.value; }

    private static String img(Term t) { return t == null ? "-" : t.image; }

    private static void putDrawn(ObjectNode n, String kind, Term t) {
        if (t != null) n.put(kind, t.index());
    }

    private static void putOrNull(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) n.put(k, v);
        else n.putNull(k);
    }

    /**
     * Watches every loss term against the model before any update: gradient ascent that runs away shows as L_neg
     * growing without bound, and it drags L_pos and L_sent up with it (a model that writes "A A A ..."). The baseline
     * is the terms' mean over the first samples under the untouched model, so a blow-up in the first steps is caught
     * too; each term's running mean (0.8 old, 0.2 new) is compared with {@code factor} times its baseline. L_neg is
     * the one term that gradient ascent raises on purpose, up to the negative cap where a sample stops adding ascent
     * (and unlearned clauses of other negatives rise with it), so its reference is the larger of its baseline and the
     * cap: a successful run's L_neg several times its start is not divergence, one far past the cap is.
     */
    static final class Guard {
        final Map<String, Double> baseline = new LinkedHashMap<>(), running = new LinkedHashMap<>();
        private final double negativeCap;

        Guard(double negativeCap) { this.negativeCap = negativeCap; }

        void setBaseline(Map<String, Double> terms) {
            baseline.clear();
            running.clear();
            terms.forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    baseline.put(k, v);
                    running.put(k, v);
                }
            });
        }

        /** The reason to stop after {@code step}, or null; {@code terms} are this step's values (absent or NaN: not used). */
        String observe(Map<String, Double> terms, long step, double factor) {
            List<String> risen = new ArrayList<>();
            for (var e : terms.entrySet()) {
                Double base = baseline.get(e.getKey());
                if (base == null || !Double.isFinite(e.getValue())) continue;
                double r = 0.8 * running.get(e.getKey()) + 0.2 * e.getValue();
                running.put(e.getKey(), r);
                double reference = Math.max(base, 0.05);
                if (e.getKey().equals("L_neg")) reference = Math.max(reference, negativeCap);
                if (r > factor * reference) risen.add(e.getKey());
            }
            if (risen.isEmpty()) return null;
            StringBuilder sb = new StringBuilder("unlearning diverged at step " + step + ": ");
            for (String k : baseline.keySet())
                sb.append(String.format(java.util.Locale.ROOT, "%s %.3f -> %.3f%s, ", k, baseline.get(k), running.get(k), risen.contains(k) ? " (risen)" : ""));
            sb.append(String.format(java.util.Locale.ROOT, "from the model before any update to the running mean; more than %.1fx"
                    + " (for L_neg, %.1fx the larger of its start and the negative cap %.2f)", factor, factor, negativeCap));
            return sb.toString();
        }

        ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            baseline.forEach(n.putObject("baseline")::put);
            running.forEach(n.putObject("running")::put);
            return n;
        }

        void fromJson(JsonNode n) {
            baseline.clear();
            running.clear();
            n.path("baseline").fields().forEachRemaining(e -> baseline.put(e.getKey(), e.getValue().asDouble()));
            n.path("running").fields().forEachRemaining(e -> running.put(e.getKey(), e.getValue().asDouble()));
        }
    }

    /** Samples per kind whose losses under the untouched model make the guard's baseline. */
    static final int BASELINE_SAMPLES = 8;

    /** The mean loss of each term over the first samples the run will see, before any update. */
    private Map<String, Double> baseline(Captioner captioner, String chat, Sets sets, Ablation ab) {
        Map<String, Double> b = new LinkedHashMap<>();
        try (NoGrad scope = NoGrad.enter()) {
            if (ab.positives) b.put("L_pos", meanLoss(captioner, chat, sets, "positive"));
            if (ab.negatives) b.put("L_neg", meanLoss(captioner, chat, sets, "negative"));
            if (ab.sentences) b.put("L_sent", meanLoss(captioner, chat, sets, "sentence"));
        }
        return b;
    }

    private double meanLoss(Captioner captioner, String chat, Sets sets, String kind) {
        int n = Math.min(BASELINE_SAMPLES, sets.of(kind).size());
        double sum = 0;
        for (int k = 0; k < n; k++) sum += term(captioner, chat, sets, kind, k, null).value;
        return sum / n;
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
            state.set("guard", guard.toJson());
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
            guard.fromJson(state.path("guard"));
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

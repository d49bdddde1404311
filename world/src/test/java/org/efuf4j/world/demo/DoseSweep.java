package org.efuf4j.world.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.eval.Bleu;
import org.efuf4j.efuf.eval.CaptionSideEffects;
import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.ChairReport;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.SizeRecall;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.train.TrainableSet;
import org.efuf4j.efuf.train.TrainerSettings;
import org.efuf4j.efuf.train.UnlearningTrainer;
import org.efuf4j.efuf.train.ValidationStopping;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.Device;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldCaption;
import org.efuf4j.world.WorldFiles;
import org.efuf4j.world.WorldImage;
import org.efuf4j.world.models.WorldModels;

/**
 * An experiment, not a test: how EFUF's effect on the held-out images grows with the dose. Forms the standard demo's
 * dataset for each unlearning seed, trains EFUF for {@code passes} passes over D- and measures CHAIR, recall, repeats
 * and BLEU-1 of greedy descriptions of every held-out image at each half pass (or finer), then prints the seed means. It reads
 * the evaluation images during training, which the product never does: it maps the dose, it does not choose one.
 * <p>System properties {@code sweep.sampleWeights} and {@code sweep.schedules} turn on the authors' sample weights and
 * schedules ({@link TrainerSettings}), {@code sweep.negativeCap} another cap on the negatives' loss and
 * {@code sweep.pointsPerPass} measurements per pass; {@code sweep.captionerSeed} and {@code sweep.questionPairs} sweep another captioner
 * instead of the shipped one, trained first on the shipped scorer and tower, and {@code sweep.towerSteps} and
 * {@code sweep.towerExtraImages} one on a tower trained for that many steps, or on that many extra world images;
 * {@code sweep.endAtObject} {@code negatives}, {@code positives}, {@code all} or {@code none} ends those clause targets
 * with their object's words (the demo's choice where unset); {@code sweep.targetPrecision} calibrates T0 and T1 to
 * another precision on the labelled mentions than the demo's, and {@code sweep.negativeShare} keeps that share of D-,
 * the lowest-scoring clauses. Each point also gives CHAIR_s and recall on the validation
 * images the demo's validation schedule measures, to set a stopping rule's view beside the held-out figures.
 * <p>args: {@code OUT worldSeed formationImages lambda1 lambda2 passes [seeds [lr [repeats [separatorInTarget [positives [trainable]]]]]]};
 * positives: {@code all}, {@code continuations} (clauses after the first), {@code last} (each caption's last clause),
 * {@code present} (the clauses whose object is in the image: an oracle's D+), {@code minScore=S} (the clauses
 * whose object scored at least S: a stricter T0 for D+ alone) or
 * {@code commaInContext} (all, each later clause's opening comma moved from the target into the context).
 */
public final class DoseSweep {
    /** Measurements per pass over D- (system property {@code sweep.pointsPerPass}, default 2: each half pass). */
    static final int POINTS_PER_PASS = Integer.getInteger("sweep.pointsPerPass", 2);

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long worldSeed = Long.parseLong(args[1]);
        int formationImages = Integer.parseInt(args[2]);
        double lambda1 = Double.parseDouble(args[3]), lambda2 = Double.parseDouble(args[4]);
        int passes = Integer.parseInt(args[5]);
        int seeds = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        double lr = args.length > 7 ? Double.parseDouble(args[7]) : 1e-5;
        DemoSettings s = DemoSettings.standard().withWorldSeed(worldSeed).withFormationImages(formationImages);
        if (args.length > 8) s = s.withSelection(s.selection().withRepeats(org.efuf4j.efuf.dataset.SampleSelector.Repeats.valueOf(args[8])));
        if (args.length > 9) s = s.withSelection(s.selection().withSeparatorInTarget(Boolean.parseBoolean(args[9])));
        if (System.getProperty("sweep.targetPrecision") != null) s = s.withTargetPrecision(Double.parseDouble(System.getProperty("sweep.targetPrecision")));
        String cut = System.getProperty("sweep.endAtObject");
        if (cut != null) s = s.withSelection(s.selection().withNegativeEndsAtObject(cut.equals("negatives") || cut.equals("all")));
        Path cache = Path.of(".efuf/cache");
        World world = World.generate(s.world());
        var captioner = s.models().captioner().toBuilder();
        if (Long.getLong("sweep.captionerSeed") != null) captioner.seed(Long.getLong("sweep.captionerSeed"));
        if (System.getProperty("sweep.questionPairs") != null)
            captioner.questionPairs(org.efuf4j.world.models.CaptionerTrainer.QuestionPairs.valueOf(System.getProperty("sweep.questionPairs")));
        var tower = s.models().captionerVision();
        if (Integer.getInteger("sweep.towerSteps") != null) tower = tower.withSteps(Integer.getInteger("sweep.towerSteps"));
        if (Integer.getInteger("sweep.towerExtraImages") != null) tower = tower.withExtraImages(Integer.getInteger("sweep.towerExtraImages"));
        WorldModels.Config recipe = s.models().withCaptioner(captioner.build()).withCaptionerVision(tower);
        if (!recipe.equals(s.models())) s = withRetrained(s, world, cache, recipe.withShipped(false));
        WorldFiles files = new WorldFiles(cache.resolve("world-" + s.world().hash()).resolve("files"));
        if (!files.isCompleteFor(s.world())) files = world.writeTo(files.root());
        WorldModels.Result models = WorldModels.prepare(world, cache, s.models(), System.err::println);
        Files.createDirectories(out.resolve("plots"));
        Demo demo = new Demo(s, cache, out, Device.CPU, System.err::println);
        Probe probe = new Probe(world, files, s.captionTokens(), demo.validationProbe(world, files));
        probe.dump = out.resolve("captions");
        Map<Integer, List<double[]>> byPoint = new TreeMap<>();
        for (int seed = 1; seed <= seeds; seed++) {
            Path seedDir = out.resolve("seed-" + seed);
            Demo.Formation f = demo.form(world, models, files.split(Split.TRAIN).images(), world.groundTruth(Split.TRAIN), seed, seedDir.resolve("formation"));
            if (System.getProperty("sweep.negativeShare") != null)
                keepLowestNegatives(f.dataset().resolve("train/negative.jsonl"), Double.parseDouble(System.getProperty("sweep.negativeShare")));
            long negatives = Files.lines(f.dataset().resolve("train/negative.jsonl")).count();
            if (args.length > 10) keepPositives(f.dataset().resolve("train/positive.jsonl"), args[10], world.groundTruth(Split.TRAIN));
            if ("positives".equals(cut) || "all".equals(cut)) endAtObject(f.dataset().resolve("train/positive.jsonl"));
            int every = (int) Math.ceil(negatives / (double) POINTS_PER_PASS);
            TrainerSettings ts = TrainerSettings.paper().toBuilder().lambda1(lambda1).lambda2(lambda2).lr(lr).trainable(args.length > 11 ? TrainableSet.valueOf(args[11]) : s.trainable())
                    .negativeCap(Double.parseDouble(System.getProperty("sweep.negativeCap", Double.toString(s.negativeCap())))).epochs(passes).maxNegativePasses(Math.max(3, passes)).checkpointEvery(1_000_000).seed(seed)
                    .prompt(World.DESCRIPTION_PROMPT).divergenceFactor(Demo.DIVERGENCE_FACTOR)
                    .sampleWeights(Boolean.getBoolean("sweep.sampleWeights")).implementationSchedules(Boolean.getBoolean("sweep.schedules")).build();
            probe.seed = seed;
            probe.negatives = negatives;
            new UnlearningTrainer(ts, models.captionerDir(), f.dataset(), new ImageFolder(files.split(Split.TRAIN).images()), seedDir.resolve("unlearn"),
                    Device.CPU, new ValidationStopping(probe, every, 1.0)).train();
            for (var e : probe.last.entrySet()) byPoint.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        System.out.printf(Locale.ROOT, "MEAN world=%d formation=%d lambda1=%s lambda2=%s passes=%d lr=%s selection=%s sampleWeights=%s schedules=%s%n", worldSeed,
                formationImages, lambda1, lambda2, passes, lr, s.selection(), Boolean.getBoolean("sweep.sampleWeights"), Boolean.getBoolean("sweep.schedules"));
        System.out.println(Probe.HEADER);
        for (var e : byPoint.entrySet()) {
            double[] m = new double[e.getValue().getFirst().length];
            for (double[] v : e.getValue()) for (int i = 0; i < m.length; i++) m[i] += v[i] / e.getValue().size();
            System.out.println(Probe.line("mean", e.getKey() / (double) POINTS_PER_PASS, m));
        }
    }

    /**
     * The settings with other base-model recipes (system properties {@code sweep.captionerSeed},
     * {@code sweep.questionPairs}, {@code sweep.towerSteps}, {@code sweep.towerExtraImages}): what changed trains into
     * the cache on first use, on the shipped scorer, and on the shipped tower where its recipe is the shipped one; those
     * are copied into the cache's folders for their options (the same options give the same models).
     */
    static DemoSettings withRetrained(DemoSettings s, World world, Path cache, WorldModels.Config models) throws java.io.IOException {
        var shipped = org.efuf4j.world.models.ShippedModels.find(world.config(), s.models())
                .orElseThrow(() -> new IllegalStateException("no shipped models for world " + world.config().hash()));
        WorldModels.Layout layout = WorldModels.Layout.cache(cache, world, models);
        copyTree(shipped.scorer(), layout.scorer());
        if (models.captionerVision().equals(s.models().captionerVision())) copyTree(shipped.tower(), layout.tower());
        System.err.println("retrained: tower " + models.captionerVision().canonical() + " in " + layout.tower() + ", captioner "
                + models.captioner().canonical() + " in " + layout.captioner());
        return s.withModels(models);
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        if (Files.isDirectory(to)) return;
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, to.resolve(f.getFileName()));
        }
    }

    /**
     * Keeps the share of D- that scored lowest (the clauses the scorer is surest are hallucinated), in their order: a
     * purer D- whose dose the passes, not its size, then set.
     */
    static void keepLowestNegatives(Path file, double share) throws java.io.IOException {
        List<String> lines = Files.readAllLines(file);
        double[] scores = new double[lines.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = Json.MAPPER.readTree(lines.get(i)).path("score").asDouble();
        double[] sorted = scores.clone();
        java.util.Arrays.sort(sorted);
        int keep = (int) Math.round(share * sorted.length);
        double limit = keep == 0 ? Double.NEGATIVE_INFINITY : sorted[keep - 1];
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < scores.length && kept.size() < keep; i++) if (scores[i] <= limit) kept.add(lines.get(i));
        System.err.println("negatives kept (lowest " + share + " by score, up to " + limit + "): " + kept.size() + " of " + lines.size());
        Files.write(file, kept);
    }

    /**
     * Each clause's target ends with its object's words (", a bird" of ", a bird in the corner"), as
     * {@link org.efuf4j.efuf.dataset.SampleSelector.Options#negativeEndsAtObject()} does for negatives: here for positives.
     */
    static void endAtObject(Path file) throws java.io.IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> cut = new ArrayList<>();
        int changed = 0;
        for (String line : lines) {
            var node = (ObjectNode) Json.MAPPER.readTree(line);
            String target = node.path("target").asText(), object = node.path("object").asText();
            int at = target.indexOf(object);
            if (at >= 0 && at + object.length() < target.length()) {
                node.put("target", target.substring(0, at + object.length()));
                changed++;
            }
            cut.add(Json.MAPPER.writeValueAsString(node));
        }
        System.err.println("targets ending at their object (" + file.getFileName() + "): " + changed + " of " + lines.size());
        Files.write(file, cut);
    }

    /** The clause's opening comma moves to the context: L_pos then teaches the object's words, not to go on. */
    private static void moveCommaToContext(ObjectNode sample) {
        String target = sample.path("target").asText();
        if (!target.startsWith(", ")) return;
        sample.put("context", sample.path("context").asText() + ",");
        sample.put("target", target.substring(1));
    }

    /**
     * Keeps some of D+ ({@code mode} "continuations": the clauses after a caption's first, whose targets open with the
     * comma ascent pushes against; "last": each caption's last positive clause; "present": the clauses whose object the
 * image holds, an oracle's D+; anything else: all), and with
     * "commaInContext" keeps all but moves each clause's opening comma into its context.
     */
    static void keepPositives(Path file, String mode, GroundTruth truth) throws java.io.IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            var node = (ObjectNode) Json.MAPPER.readTree(lines.get(i));
            String image = node.path("image").asText();
            boolean keep = switch (mode) {
                case "continuations" -> !node.path("context").asText().isEmpty();
                case "last" -> i + 1 == lines.size() || !Json.MAPPER.readTree(lines.get(i + 1)).path("image").asText().equals(image);
                case "present" -> isPresent(truth, image, node.path("object").asText());
                case String m when m.startsWith("minScore=") -> node.path("score").asDouble() >= Double.parseDouble(m.substring("minScore=".length()));
                default -> true;
            };
            if (!keep) continue;
            if (mode.equals("commaInContext")) moveCommaToContext(node);
            kept.add(Json.MAPPER.writeValueAsString(node));
        }
        System.err.println("positives kept (" + mode + "): " + kept.size() + " of " + lines.size());
        Files.write(file, kept);
    }

    /**
     * Whether the image holds the object a clause names: the clause keeps the word it read ("puppy"), the truth holds
     * canonical categories ("dog"), as CHAIR compares them.
     */
    private static boolean isPresent(GroundTruth truth, String imageFile, String object) {
        return truth.require(imageFile.replaceFirst("\\.png$", ""), "positive clause").contains(ObjectVocabulary.coco().resolve(object, "positive clause").name());
    }

    /** Greedy descriptions of the held-out images at each measured point; the base model's are measured once. */
    static final class Probe implements ValidationStopping.Probe {
        static final String HEADER = "seed  passes  step  CHAIR_s CHAIR_i recall small  large  repeats unterm BLEU-1 obj/cap | validation: CHAIR_s recall";
        private final Map<String, RgbImage> images = new LinkedHashMap<>();
        private final Map<String, List<String>> references = new LinkedHashMap<>();
        private final GroundTruth truth;
        private final Chair chair;
        private final ObjectExtractor extractor = new ObjectExtractor(ObjectVocabulary.coco());
        private final int tokens;
        /** The validation images the demo's validation schedule measures on, to set its choice beside the held-out figures. */
        private final ValidationStopping.Probe validation;
        private double[] base;
        int seed;
        Path dump;
        long negatives;
        final Map<Integer, double[]> last = new TreeMap<>();

        Probe(World world, WorldFiles files, int tokens, ValidationStopping.Probe validation) {
            ImageFolder folder = new ImageFolder(files.split(Split.EVAL).images());
            for (WorldImage image : world.images(Split.EVAL)) {
                images.put(image.imageId(), folder.require(image.fileName()));
                references.put(image.imageId(), image.references().stream().map(WorldCaption::text).toList());
            }
            truth = world.groundTruth(Split.EVAL);
            chair = new Chair(extractor, truth);
            this.tokens = tokens;
            this.validation = validation;
        }

        @Override public ValidationStopping.Point measure(org.efuf4j.efuf.pipeline.Captioner captioner, long step) {
            if (step == 0) last.clear();
            double[] v = step == 0 && base != null ? base : measureNow(captioner, step);
            if (step == 0) base = v;
            int point = (int) Math.round(POINTS_PER_PASS * (double) step / negatives);
            last.put(point, v);
            System.out.println(line(Integer.toString(seed), step / (double) negatives, v) + " step " + step);
            System.out.flush();
            return new ValidationStopping.Point(step, v[0] / 100, v[1] / 100, v[2] / 100);
        }

        private double[] measureNow(org.efuf4j.efuf.pipeline.Captioner captioner, long step) {
            boolean training = captioner.model().isTraining();
            captioner.model().eval();
            try {
                List<GeneratedCaption> captions = new ArrayList<>();
                List<String> hyps = new ArrayList<>();
                List<List<String>> refs = new ArrayList<>();
                for (var e : images.entrySet()) {
                    String c = captioner.generate(e.getValue(), World.DESCRIPTION_PROMPT, tokens, Decoding.GREEDY);
                    captions.add(new GeneratedCaption(e.getKey(), c));
                    hyps.add(c);
                    refs.add(references.get(e.getKey()));
                }
                if (dump != null) {
                    StringBuilder text = new StringBuilder();
                    for (GeneratedCaption c : captions) text.append(c.imageId()).append('\t').append(c.caption()).append('\n');
                    Files.createDirectories(dump);
                    Files.writeString(dump.resolve("captions-seed" + seed + "-step" + step + ".tsv"), text);
                }
                ChairReport r = chair.evaluate(captions);
                SizeRecall sr = SizeRecall.of(r.captions(), truth, SizeRecall.medianSize(truth));
                CaptionSideEffects se = CaptionSideEffects.of(hyps, extractor);
                ValidationStopping.Point val = validation.measure(captioner, step);
                return new double[] {100 * r.chairS(), 100 * r.chairI(), 100 * r.recall(), 100 * sr.smallRecall(), 100 * sr.largeRecall(),
                        100 * se.repeatingShare(), 100 * se.unterminatedShare(), 100 * Bleu.corpus(hyps, refs, 1).bleu(), se.objectsPerCaption(),
                        100 * val.chairS(), 100 * val.recall()};
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                captioner.model().train(training);
            }
        }

        static String line(String seed, double passes, double[] v) {
            return String.format(Locale.ROOT, "%-5s %6.2f        %7.2f %7.2f %6.2f %6.2f %6.2f %7.2f %6.2f %6.2f %6.2f | %7.2f %6.2f", seed, passes, v[0], v[1],
                    v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
        }
    }
}

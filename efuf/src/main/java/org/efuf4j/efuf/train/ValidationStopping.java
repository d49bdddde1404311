package org.efuf4j.efuf.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.efuf4j.efuf.dataset.DatasetFiles;
import org.efuf4j.efuf.dataset.UnlearningSample;
import org.efuf4j.efuf.io.Digests;
import org.efuf4j.efuf.pipeline.ImageFolder;

import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.ChairReport;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.models.image.RgbImage;

/**
 * The validation-stopped schedule. The paper's schedule runs one pass over D- and keeps the last weights; run that far,
 * unlearning can overshoot (CHAIR near zero, but the model stops naming the small objects that come last), and where
 * D- is small it can stop short. This schedule runs the same steps, or on for up to {@code passes} passes over D- in
 * all, measures CHAIR and recall on held-out validation images before the first step and every {@code every} steps,
 * and keeps the weights of the measured step with the lowest CHAIR_s among those whose recall stays within
 * {@code recallLimit} of the starting recall. The paper's weights are still those of its own last step. The validation
 * images must be neither the evaluation images (the choice would be tuned on the test) nor images of the unlearning data.
 *
 * @param every       steps between measurements
 * @param recallLimit largest allowed fall of recall from the starting model's, as a fraction (0.02: two points)
 * @param passes      passes over D- the schedule may run in all; below the paper schedule's own passes it runs those
 */
public record ValidationStopping(Probe probe, int every, double recallLimit, int passes) {
    public ValidationStopping {
        if (every < 1) throw new IllegalArgumentException("validation interval must be >= 1 step, got " + every);
        if (!(recallLimit >= 0 && recallLimit <= 1)) throw new IllegalArgumentException("recall limit must be in [0, 1], got " + recallLimit);
        if (passes < 1) throw new IllegalArgumentException("the validation schedule's passes over D- must be >= 1, got " + passes);
    }

    /** The schedule over the paper's own steps: it chooses among them and runs no further. */
    public ValidationStopping(Probe probe, int every, double recallLimit) {
        this(probe, every, recallLimit, 1);
    }

    /** Measures the model as it is at a step. */
    @FunctionalInterface
    public interface Probe {
        Point measure(Captioner captioner, long step);

        /** What the probe measures and on what, for the run's record: a run resumes only with the same probe. */
        default String describe() { return "a probe given in code"; }
    }

    /** The setting as the run's record keeps it. */
    public String describe() {
        return "every " + every + " steps, recall limit " + recallLimit + (passes > 1 ? ", up to " + passes + " passes over D-" : "") + ", " + probe.describe();
    }

    /** One measurement on the validation images. */
    public record Point(long step, double chairS, double chairI, double recall) {}

    /**
     * The index of the point to stop at: among points whose recall is at least the first point's minus the limit,
     * the lowest CHAIR_s, then the lowest CHAIR_i, then the earliest. The first point (the starting model) always
     * qualifies, so a run that only makes things worse stops where it started.
     */
    public static int choose(List<Point> points, double recallLimit) {
        if (points.isEmpty()) throw new IllegalArgumentException("no validation measurements to choose a stopping step from");
        double floor = points.getFirst().recall() - recallLimit - 1e-12;
        int best = 0;
        for (int i = 1; i < points.size(); i++) {
            Point p = points.get(i), b = points.get(best);
            if (p.recall() < floor) continue;
            if (p.chairS() < b.chairS() || (p.chairS() == b.chairS() && p.chairI() < b.chairI())) best = i;
        }
        return best;
    }

    /** Whether a measurement is due after {@code stepsDone} steps of a run of {@code totalSteps}. */
    boolean due(long stepsDone, long totalSteps) {
        return stepsDone % every == 0 || stepsDone == totalSteps;
    }

    /**
     * The usual probe: greedy captions of the validation images, checked with CHAIR against their ground truth.
     *
     * @param images validation images by image id (the ids the ground truth uses)
     */
    public static Probe chair(Map<String, RgbImage> images, GroundTruth truth, ObjectExtractor extractor, String prompt, int maxNewTokens) {
        if (images.isEmpty()) throw new IllegalArgumentException("the validation-stopped schedule needs validation images, got none");
        if (maxNewTokens < 1) throw new IllegalArgumentException("validation captions need at least 1 new token, got " + maxNewTokens);
        StringBuilder truthText = new StringBuilder();
        for (String id : images.keySet()) truthText.append(id).append(':').append(new TreeSet<>(truth.require(id, "validation image"))).append('\n');
        return new ChairProbe(new LinkedHashMap<>(images), new Chair(extractor, truth), prompt, maxNewTokens, Digests.ofText(truthText.toString()));
    }

    /**
     * The probe on a formed dataset's held-out images ({@link #heldOutImages}) that have ground truth; the others are
     * left out, and a dataset where none has any is refused.
     */
    public static Probe chairOnHeldOut(Path dataDir, ImageFolder folder, GroundTruth truth, ObjectExtractor extractor, String prompt, int maxNewTokens) {
        List<String> names = heldOutImages(dataDir);
        Map<String, RgbImage> images = new LinkedHashMap<>();
        for (String name : names) {
            String id = ImageFolder.imageId(name);
            if (truth.contains(id)) images.put(id, folder.require(name));
        }
        if (images.isEmpty())
            throw new IllegalArgumentException("none of the " + names.size() + " validation images of " + dataDir + " (e.g. " + names.getFirst()
                    + ") has ground truth in the annotations (" + truth.size() + " images known; image ids are file names without extension)");
        return chair(images, truth, extractor, prompt, maxNewTokens);
    }

    /**
     * The images of a formed dataset's validation split ({@code validation/*.jsonl}), sorted: images the split holds
     * out by name, so no training sample shows them. A dataset without any (formed with {@code --validation-share 0})
     * is refused, and so is one whose training files name a held-out image (an edited dataset: validating on trained
     * images would choose the step that fits them best).
     */
    public static List<String> heldOutImages(Path dataDir) {
        TreeSet<String> held = new TreeSet<>();
        for (String kind : List.of("positive", "negative", "sentence")) {
            Path f = dataDir.resolve("validation").resolve(kind + ".jsonl");
            if (Files.isRegularFile(f)) for (UnlearningSample s : DatasetFiles.read(f)) held.add(s.image());
        }
        if (held.isEmpty())
            throw new IllegalArgumentException("dataset " + dataDir + " holds no validation images under validation/: the validation-stopped schedule"
                    + " measures CHAIR on them; form the dataset with a --validation-share above 0 (the paper holds out 0.05)");
        Map<String, String> trained = new TreeMap<>();
        for (String kind : List.of("positive", "negative", "sentence")) {
            Path f = dataDir.resolve("train").resolve(kind + ".jsonl");
            if (!Files.isRegularFile(f)) continue;
            List<UnlearningSample> samples = DatasetFiles.read(f);
            for (int i = 0; i < samples.size(); i++)
                if (held.contains(samples.get(i).image())) trained.putIfAbsent(samples.get(i).image(), f + " line " + (i + 1));
        }
        if (!trained.isEmpty()) {
            var first = trained.entrySet().iterator().next();
            throw new IllegalArgumentException(trained.size() + " validation images of " + dataDir + " are also trained on, e.g. " + first.getKey()
                    + " at " + first.getValue() + ": validation images must be held out of train/ (form the dataset again)");
        }
        return List.copyOf(held);
    }

    /** Greedy captions of fixed images, scored with CHAIR; the model is put back in the mode it was in. */
    private record ChairProbe(Map<String, RgbImage> images, Chair chair, String prompt, int maxNewTokens, String truthDigest) implements Probe {
        @Override public Point measure(Captioner captioner, long step) {
            boolean training = captioner.model().isTraining();
            captioner.model().eval();
            try {
                List<GeneratedCaption> captions = new ArrayList<>();
                for (var e : images.entrySet())
                    captions.add(new GeneratedCaption(e.getKey(), captioner.generate(e.getValue(), prompt, maxNewTokens, Decoding.GREEDY)));
                ChairReport r = chair.evaluate(captions);
                return new Point(step, r.chairS(), r.chairI(), r.recall());
            } finally {
                captioner.model().train(training);
            }
        }

        @Override public String describe() {
            return "CHAIR of greedy captions of " + images.size() + " validation images (ids and ground truth " + truthDigest + "), prompt \""
                    + prompt + "\", at most " + maxNewTokens + " new tokens";
        }
    }
}

package org.efuf4j.efuf.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * unlearning can overshoot (CHAIR near zero, but the model stops naming the small objects that come last). This
 * schedule runs the same steps, measures CHAIR and recall on held-out validation images before the first step and
 * every {@code every} steps, and keeps the weights of the measured step with the lowest CHAIR_s among those whose
 * recall stays within {@code recallLimit} of the starting recall. The validation images must be neither the
 * evaluation images (the choice would be tuned on the test) nor images of the unlearning data.
 *
 * @param every       steps between measurements
 * @param recallLimit largest allowed fall of recall from the starting model's, as a fraction (0.02: two points)
 */
public record ValidationStopping(Probe probe, int every, double recallLimit) {
    public ValidationStopping {
        if (every < 1) throw new IllegalArgumentException("validation interval must be >= 1 step, got " + every);
        if (!(recallLimit >= 0 && recallLimit <= 1)) throw new IllegalArgumentException("recall limit must be in [0, 1], got " + recallLimit);
    }

    /** Measures the model as it is at a step. */
    @FunctionalInterface
    public interface Probe {
        Point measure(Captioner captioner, long step);
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
        for (String id : images.keySet()) truth.require(id, "validation image");
        Map<String, RgbImage> ordered = new LinkedHashMap<>(images);
        Chair chair = new Chair(extractor, truth);
        return (captioner, step) -> {
            boolean training = captioner.model().isTraining();
            captioner.model().eval();
            try {
                List<GeneratedCaption> captions = new ArrayList<>();
                for (var e : ordered.entrySet())
                    captions.add(new GeneratedCaption(e.getKey(), captioner.generate(e.getValue(), prompt, maxNewTokens, Decoding.GREEDY)));
                ChairReport r = chair.evaluate(captions);
                return new Point(step, r.chairS(), r.chairI(), r.recall());
            } finally {
                captioner.model().train(training);
            }
        };
    }
}

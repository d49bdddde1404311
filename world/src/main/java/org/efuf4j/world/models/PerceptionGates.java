package org.efuf4j.world.models;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.Variable;
import org.efuf4j.clip.ScorerQuality;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.image.ImagePreprocessor;
import org.efuf4j.world.Catalogue;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldImage;

/**
 * How well the world's base models perceive its objects, against the world's ground truth: the scorer's AUC of
 * present against absent objects, and a linear probe's AUC on a vision model's features (present against absent
 * group-mates), the perception gates. Every AUC pools (image, category) pairs of held-out images.
 */
public final class PerceptionGates {
    /** The gates' threshold: scorer AUC and probe AUC at least this. */
    public static final double GATE = 0.9;

    private static final int BATCH = 32;

    private PerceptionGates() {}

    /** A text-image score: higher where the image more likely shows what the text names. */
    @FunctionalInterface
    interface Scorer {
        double score(WorldImage image, String text);
    }

    /** The scorer on every category of the world in every image: present against absent, absent anywhere. */
    static double objectAuc(List<WorldImage> images, List<String> categories, Scorer scorer) {
        List<Double> scores = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (WorldImage image : images)
            for (String c : categories) {
                scores.add(scorer.score(image, ObjectPhrases.forTerm(c)));
                labels.add(image.categories().contains(c));
            }
        return ScorerQuality.auc(toDoubles(scores), toBooleans(labels));
    }

    /** The scorer on each image's present objects against its scene's absent categories (what a captioner invents). */
    static double groupMateAuc(List<WorldImage> images, Scorer scorer) {
        List<Double> scores = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (WorldImage image : images)
            for (String c : Catalogue.scene(image.scene()).categories()) {
                scores.add(scorer.score(image, ObjectPhrases.forTerm(c)));
                labels.add(image.categories().contains(c));
            }
        return ScorerQuality.auc(toDoubles(scores), toBooleans(labels));
    }

    /**
     * One probe per category, fitted on the first {@code trainImages} training images of the category's scene (present
     * or absent), read on the eval images of that scene; the AUC pools every (eval image, category) pair.
     */
    static double probeAuc(World world, Function<List<WorldImage>, float[][]> features, int trainImages) {
        List<WorldImage> train = world.images(Split.TRAIN);
        train = train.subList(0, Math.min(train.size(), trainImages));
        List<WorldImage> eval = world.images(Split.EVAL);
        float[][] trainFeatures = features.apply(train), evalFeatures = features.apply(eval);
        List<Double> scores = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (String category : world.categoryNames()) {
            String scene = Catalogue.sceneOf(category).name();
            List<float[]> x = new ArrayList<>();
            List<Boolean> y = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                if (!train.get(i).scene().equals(scene)) continue;
                x.add(trainFeatures[i]);
                y.add(train.get(i).categories().contains(category));
            }
            if (!y.contains(true) || !y.contains(false)) continue; // nothing to tell apart in this scene's sample
            LinearProbe probe = LinearProbe.fit(x.toArray(float[][]::new), toBooleans(y), 1e-3, 300);
            for (int i = 0; i < eval.size(); i++) {
                if (!eval.get(i).scene().equals(scene)) continue;
                scores.add(probe.score(evalFeatures[i]));
                labels.add(eval.get(i).categories().contains(category));
            }
        }
        return ScorerQuality.auc(toDoubles(scores), toBooleans(labels));
    }

    /**
     * A CLIP vision tower's patch features as the captioner's projector reads them (the last layer's hidden states,
     * class token dropped, as LLaVA's default feature selection does), averaged over the patches per image.
     */
    static float[][] patchFeatures(ClipModel clip, ImagePreprocessor processor, List<WorldImage> images) {
        float[][] out = new float[images.size()][];
        try (NoGrad scope = NoGrad.enter()) {
            for (int start = 0; start < images.size(); start += BATCH) {
                List<WorldImage> chunk = images.subList(start, Math.min(images.size(), start + BATCH));
                Variable hidden = clip.visionModel.forward(WorldPixels.batch(chunk, processor)).hiddenStates().getLast();
                int tokens = hidden.dim(1), d = hidden.dim(2);
                float[] flat = hidden.value().toFloatArray();
                for (int b = 0; b < chunk.size(); b++) {
                    float[] mean = new float[d];
                    for (int t = 1; t < tokens; t++) for (int k = 0; k < d; k++) mean[k] += flat[(b * tokens + t) * d + k];
                    for (int k = 0; k < d; k++) mean[k] /= tokens - 1;
                    out[start + b] = mean;
                }
            }
        }
        return out;
    }

    static double[] toDoubles(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }

    static boolean[] toBooleans(List<Boolean> values) {
        boolean[] out = new boolean[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }
}

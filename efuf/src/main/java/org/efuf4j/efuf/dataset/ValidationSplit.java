package org.efuf4j.efuf.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds out a share of images for validation (the paper keeps 5%). The choice depends only on the
 * image name and the seed, so all samples of one image land on the same side, whatever the order
 * or the set they come from; no image is both trained on and validated on.
 */
public final class ValidationSplit {

    public record Split(List<UnlearningSample> train, List<UnlearningSample> validation) {}

    private ValidationSplit() {}

    public static Split byImage(List<UnlearningSample> samples, double validationShare, long seed) {
        if (!(validationShare >= 0 && validationShare < 1)) {
            throw new IllegalArgumentException("validation share must be in [0, 1), got " + validationShare);
        }
        List<UnlearningSample> train = new ArrayList<>();
        List<UnlearningSample> validation = new ArrayList<>();
        for (UnlearningSample s : samples) {
            (isValidation(s.image(), validationShare, seed) ? validation : train).add(s);
        }
        return new Split(List.copyOf(train), List.copyOf(validation));
    }

    static boolean isValidation(String image, double share, long seed) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < image.length(); i++) {
            h = mix(h + image.charAt(i));
        }
        double u = (mix(h) >>> 11) * 0x1.0p-53; // uniform in [0, 1)
        return u < share;
    }

    /** SplitMix64's finaliser: a well-spread hash of a 64-bit value. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

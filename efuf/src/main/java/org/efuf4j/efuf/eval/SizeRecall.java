package org.efuf4j.efuf.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Recall of small and of large objects apart: unlearning that overshoots stops naming the objects a description lists
 * last, which are the small ones, and the overall recall hides it. An object (a category present in an image) is small
 * when its annotated size is below {@code smallBelow}; objects without a size are left out of both.
 *
 * @param smallRecall recalled small objects / small objects (NaN when there are none)
 */
public record SizeRecall(double smallBelow, double smallRecall, int smallObjects, double largeRecall, int largeObjects) {

    public static SizeRecall of(List<CaptionChair> captions, GroundTruth truth, double smallBelow) {
        int small = 0, smallHit = 0, large = 0, largeHit = 0;
        for (CaptionChair c : captions) {
            for (String object : c.groundTruth()) {
                OptionalDouble size = truth.size(c.imageId(), object);
                if (size.isEmpty()) continue;
                boolean hit = c.recalled().contains(object);
                if (size.getAsDouble() < smallBelow) {
                    small++;
                    smallHit += hit ? 1 : 0;
                } else {
                    large++;
                    largeHit += hit ? 1 : 0;
                }
            }
        }
        return new SizeRecall(smallBelow, small == 0 ? Double.NaN : (double) smallHit / small, small,
                large == 0 ? Double.NaN : (double) largeHit / large, large);
    }

    /**
     * The median annotated size over a ground truth: the split the demo uses (the smaller half of the objects are the
     * small ones), fixed by the truth alone so that every model is split the same way. NaN without sizes.
     */
    public static double medianSize(GroundTruth truth) {
        List<Double> sizes = new ArrayList<>();
        for (String id : truth.imageIds()) for (String c : truth.require(id, "size split")) truth.size(id, c).ifPresent(sizes::add);
        if (sizes.isEmpty()) return Double.NaN;
        sizes.sort(null);
        int n = sizes.size();
        return n % 2 == 1 ? sizes.get(n / 2) : (sizes.get(n / 2 - 1) + sizes.get(n / 2)) / 2;
    }
}

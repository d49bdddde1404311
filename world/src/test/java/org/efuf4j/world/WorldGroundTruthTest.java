package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.SizeRecall;
import org.junit.jupiter.api.Test;

/**
 * The ground truth CHAIR, POPE and the demo read: every present category with its size, the visible pixels of its
 * largest instance, counted here from the pixels' owners as the generator recorded them.
 */
class WorldGroundTruthTest {
    private static final World WORLD = World.generate(WorldConfig.defaults().withImages(0, 0, 200).withSeed(3));

    @Test
    void everyPresentCategoryCarriesTheVisibleAreaOfItsLargestInstance() {
        GroundTruth truth = WORLD.groundTruth(Split.EVAL);
        int small = 0;
        for (WorldImage image : WORLD.images(Split.EVAL)) {
            assertEquals(image.categories(), truth.require(image.imageId(), "test"));
            Map<String, Integer> largest = new HashMap<>();
            for (WorldObject o : image.objects()) largest.merge(o.category(), o.area(), Math::max);
            for (var e : largest.entrySet()) {
                OptionalDouble size = truth.size(image.imageId(), e.getKey());
                assertTrue(size.isPresent(), image.imageId() + " " + e.getKey());
                assertEquals(Math.max(1, e.getValue()), size.getAsDouble(), 0, image.imageId() + " " + e.getKey());
                assertTrue(size.getAsDouble() <= image.size() * image.size());
            }
            for (WorldObject o : image.objects()) if (o.small()) small++;
        }
        assertTrue(small > 0, "the world draws some objects small on purpose");
    }

    /** Objects drawn small on purpose fall in the smaller half: the median split is about size, not chance. */
    @Test
    void objectsDrawnSmallFallBelowTheMedianSize() {
        GroundTruth truth = WORLD.groundTruth(Split.EVAL);
        double median = SizeRecall.medianSize(truth);
        int small = 0, below = 0;
        for (WorldImage image : WORLD.images(Split.EVAL)) {
            for (WorldObject o : image.objects()) {
                if (!o.small() || image.objects().stream().anyMatch(x -> x != o && x.category().equals(o.category()))) continue;
                small++;
                if (truth.size(image.imageId(), o.category()).getAsDouble() < median) below++;
            }
        }
        assertTrue(small >= 20, "enough single small instances to judge: " + small);
        assertTrue(below >= 0.9 * small, below + " of " + small + " objects drawn small lie below the median size " + median);
    }
}

package org.efuf4j.efuf.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.efuf4j.efuf.dataset.UnlearningSample.Kind;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

    private static List<UnlearningSample> samples() {
        List<UnlearningSample> samples = new ArrayList<>();
        for (int image = 0; image < 2000; image++) {
            for (Kind kind : Kind.values()) {
                samples.add(new UnlearningSample(kind, "img" + image, "dog", 30, "", "A dog"));
            }
        }
        return samples;
    }

    @Test
    void holdsOutAboutTheShareWithEveryImageOnOneSide() {
        ValidationSplit.Split split = ValidationSplit.byImage(samples(), 0.05, 42);
        Set<String> validationImages = new HashSet<>();
        split.validation().forEach(s -> validationImages.add(s.image()));
        split.train().forEach(s -> assertTrue(!validationImages.contains(s.image()), s.image() + " on both sides"));
        assertEquals(3 * validationImages.size(), split.validation().size());
        // 2000 images at 5%: mean 100, standard deviation ~9.7
        assertTrue(validationImages.size() > 60 && validationImages.size() < 140, "" + validationImages.size());
        assertEquals(split, ValidationSplit.byImage(samples(), 0.05, 42));
        assertNotEquals(split, ValidationSplit.byImage(samples(), 0.05, 43));
        assertEquals(0, ValidationSplit.byImage(samples(), 0, 42).validation().size());
    }
}

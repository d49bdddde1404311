package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorldConfigTest {

    @Test
    void defaultsMatchTheDocumentedWorld() {
        WorldConfig c = WorldConfig.defaults();
        assertEquals(64, c.imageSize());
        assertEquals(2700, c.totalImages());
        assertEquals(6, c.scenes().size());
        assertEquals(0.3, c.hallucinationRate());
        int categories = 0;
        for (String s : c.scenes()) {
            categories += Catalogue.scene(s).categories().size();
        }
        assertTrue(categories >= 20 && categories <= 40, "categories: " + categories);
    }

    /** The hash names cached models: it must not drift between runs, JVMs or machines. */
    @Test
    void hashIsPinnedForTheDefaults() {
        assertEquals("efuf4j-world v2 seed=1 imageSize=64 train=2000 val=200 eval=500 "
                + "scenes=kitchen,street,park,living room,beach,breakfast objects=3..5 references=3 "
                + "hallucinationRate=0.3 captionNoise=0.1 synonymRate=0.3 smallObjectRate=0.1 duplicateRate=0.15 "
                + "descriptionHallucinationRate=0.27 descriptionPositionRate=1.0",
                WorldConfig.defaults().canonical());
        // sha256sum of the canonical line above, first 16 hex digits (computed outside Java)
        assertEquals("ff34aa968cc6e890", WorldConfig.defaults().hash());
        assertEquals(WorldConfig.defaults().hash(), WorldConfig.defaults().withSeed(1).hash());
        assertTrue(WorldConfig.defaults().hash().matches("[0-9a-f]{16}"));
    }

    @Test
    void everyFieldChangesTheHash() {
        WorldConfig d = WorldConfig.defaults();
        List<WorldConfig> variants = List.of(d, d.withSeed(2), d.withImageSize(96), d.withImages(2000, 200, 501),
                d.withImages(2000, 201, 500), d.withImages(1999, 200, 500), d.withScenes(List.of("park", "street")),
                d.withObjects(2, 5), d.withObjects(3, 4), d.withReferenceCaptions(2), d.withHallucinationRate(0.31),
                d.withCaptionNoise(0), d.withSynonymRate(0.2), d.withSmallObjectRate(0.05), d.withDuplicateRate(0.1),
                d.withDescriptionHallucinationRate(0.3), d.withDescriptionPositionRate(0.5));
        Set<String> hashes = new HashSet<>();
        for (WorldConfig v : variants) {
            hashes.add(v.hash());
        }
        assertEquals(variants.size(), hashes.size());
        assertNotEquals(d.hash(), d.withScenes(List.of("breakfast", "beach", "living room", "park", "street",
                "kitchen")).hash(), "scene order decides scene draws, so it is part of the identity");
    }

    @Test
    void badValuesNameTheField() {
        WorldConfig d = WorldConfig.defaults();
        assertMessage(() -> d.withImageSize(16), "imageSize");
        assertMessage(() -> d.withHallucinationRate(1.5), "hallucinationRate");
        assertMessage(() -> d.withCaptionNoise(-0.1), "captionNoise");
        assertMessage(() -> d.withDescriptionPositionRate(1.01), "descriptionPositionRate");
        assertMessage(() -> d.withObjects(4, 3), "maxObjects");
        assertMessage(() -> d.withObjects(7, 7), "street"); // the street has only six categories
        assertMessage(() -> d.withScenes(List.of("moon")), "moon");
        assertMessage(() -> d.withScenes(List.of()), "scenes");
        assertMessage(() -> d.withImages(-1, 0, 0), "trainImages");
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}

package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldDeterminismTest {
    private static final WorldConfig SMALL = WorldConfig.defaults().withImages(120, 30, 60).withSeed(7);

    @Test
    void sameSeedGivesTheSameWorld() {
        World a = World.generate(SMALL);
        World b = World.generate(SMALL);
        assertEquals(a.images().size(), b.images().size());
        for (int i = 0; i < a.images().size(); i++) {
            WorldImage x = a.images().get(i);
            WorldImage y = b.images().get(i);
            assertArrayEquals(x.rgb(), y.rgb(), "pixels of image " + x.id());
            assertEquals(x.objects(), y.objects());
            assertEquals(x.references(), y.references());
            assertEquals(x.trainingCaptions(), y.trainingCaptions());
            assertEquals(x.questions(), y.questions());
            assertEquals(x.scene(), y.scene());
        }
    }

    @Test
    void sameSeedWritesByteIdenticalFiles(@TempDir Path tmp) throws IOException {
        World.generate(SMALL).writeTo(tmp.resolve("a"));
        World.generate(SMALL).writeTo(tmp.resolve("b"));
        List<Path> filesA = list(tmp.resolve("a"));
        List<Path> filesB = list(tmp.resolve("b"));
        assertEquals(filesA, filesB);
        assertTrue(filesA.size() > 210, "every image and annotation file: " + filesA.size());
        for (Path relative : filesA) {
            byte[] x = Files.readAllBytes(tmp.resolve("a").resolve(relative));
            byte[] y = Files.readAllBytes(tmp.resolve("b").resolve(relative));
            assertTrue(Arrays.equals(x, y), "file differs between two runs: " + relative);
        }
    }

    /** Extra images are the ones a world with more images would draw next: after the splits, in none of them. */
    @Test
    void extraImagesFollowTheSplits() {
        World world = World.generate(SMALL);
        List<WorldImage> extra = world.extraImages(25);
        List<WorldImage> bigger = World.generate(SMALL.withImages(120, 30, 60 + 25)).images(Split.EVAL).subList(60, 85);
        for (int i = 0; i < extra.size(); i++) {
            WorldImage x = extra.get(i);
            assertEquals(SMALL.totalImages() + 1L + i, x.id());
            assertEquals(Split.TRAIN, x.split());
            assertArrayEquals(bigger.get(i).rgb(), x.rgb(), "pixels of extra image " + i);
            assertEquals(bigger.get(i).objects(), x.objects());
            assertEquals(bigger.get(i).descriptions(), x.descriptions());
        }
        List<WorldImage> fewer = world.extraImages(7);
        for (int i = 0; i < fewer.size(); i++) assertArrayEquals(extra.get(i).rgb(), fewer.get(i).rgb(), "the i-th extra image whatever the count");
        for (WorldImage x : extra)
            for (WorldImage y : world.images()) assertFalse(Arrays.equals(x.rgb(), y.rgb()), "extra image " + x.id() + " repeats image " + y.id());
        assertEquals(0, world.extraImages(0).size());
    }

    @Test
    void anotherSeedGivesAnotherWorld() {
        World a = World.generate(SMALL);
        World b = World.generate(SMALL.withSeed(8));
        int samePixels = 0;
        for (int i = 0; i < a.images().size(); i++) {
            samePixels += Arrays.equals(a.images().get(i).rgb(), b.images().get(i).rgb()) ? 1 : 0;
        }
        assertEquals(0, samePixels);
    }

    /** An image depends on the seed and its index only, so more images leave the first ones as they were. */
    @Test
    void imagesDoNotDependOnTheSplitSizes() {
        World a = World.generate(SMALL);
        World b = World.generate(SMALL.withImages(250, 0, 0));
        for (int i = 0; i < a.images().size(); i++) {
            assertArrayEquals(a.images().get(i).rgb(), b.images().get(i).rgb());
            assertEquals(a.images().get(i).references(), b.images().get(i).references());
        }
        assertFalse(a.images(Split.EVAL).isEmpty());
    }

    private static List<Path> list(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}

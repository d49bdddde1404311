package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorldImagesTest {
    private static final World WORLD = World.generate(WorldConfig.defaults().withImages(800, 0, 0));
    /** Sum of absolute RGB differences above which a pixel counts as changed from the background. */
    private static final int CHANGED = 40;

    /**
     * The ground truth is visible: inside the box of every object not marked occluded, the image
     * differs from the bare background (re-rendered on its own) on at least 60% as many pixels
     * as the object has visible pixels, and on at least a fifth of the box.
     */
    @Test
    void everyUnoccludedObjectIsVisibleAgainstTheBackground() {
        assertTrue(checkVisibility(WORLD) > 2000);
    }

    @Test
    void largerImagesKeepTheSameGuarantees() {
        for (int size : new int[] {80, 96}) {
            World world = World.generate(WorldConfig.defaults().withImages(150, 0, 0).withImageSize(size));
            assertTrue(checkVisibility(world) > 300);
            for (WorldImage image : world.images()) {
                assertEquals(size * size, image.rgb().length);
                for (WorldObject o : image.objects()) {
                    assertTrue(o.small() || Math.max(o.width(), o.height()) >= 0.12 * size, "tiny at " + size + ": " + o);
                }
            }
        }
    }

    /** Checks every object of the world and returns how many unoccluded ones were checked. */
    private static int checkVisibility(World world) {
        int checked = 0;
        for (WorldImage image : world.images()) {
            int[] background = image.background();
            int s = image.size();
            for (WorldObject o : image.objects()) {
                assertTrue(o.x() >= 0 && o.y() >= 0 && o.x() + o.width() <= s && o.y() + o.height() <= s,
                        "box inside the image: " + o);
                assertTrue(o.area() > 0 && o.area() <= o.width() * o.height(), "area within the box: " + o);
                if (o.occluded()) {
                    continue;
                }
                int changed = 0;
                for (int y = o.y(); y < o.y() + o.height(); y++) {
                    for (int x = o.x(); x < o.x() + o.width(); x++) {
                        changed += distance(image.pixel(x, y), background[y * s + x]) > CHANGED ? 1 : 0;
                    }
                }
                assertTrue(changed >= 0.6 * o.area() && changed >= 0.2 * o.width() * o.height(),
                        "image " + image.id() + ": " + o + " changes only " + changed + " background pixels");
                checked++;
            }
        }
        return checked;
    }

    /** The bare background really is what lies under the objects: outside all boxes nothing changed. */
    @Test
    void pixelsOutsideEveryBoxAreTheBackground() {
        for (WorldImage image : WORLD.images().subList(0, 100)) {
            int[] background = image.background();
            int s = image.size();
            boolean[] covered = new boolean[s * s];
            for (WorldObject o : image.objects()) {
                for (int y = o.y(); y < o.y() + o.height(); y++) {
                    for (int x = o.x(); x < o.x() + o.width(); x++) {
                        covered[y * s + x] = true;
                    }
                }
            }
            for (int i = 0; i < s * s; i++) {
                if (!covered[i]) {
                    assertEquals(background[i], image.pixel(i % s, i / s), "image " + image.id() + " pixel " + i);
                }
            }
        }
    }

    @Test
    void objectsAreMostlyWellSizedWithSomeSmallAndOccludedOnes() {
        int all = 0;
        int small = 0;
        int occluded = 0;
        int s = WORLD.config().imageSize();
        for (WorldImage image : WORLD.images()) {
            for (WorldObject o : image.objects()) {
                all++;
                small += o.small() ? 1 : 0;
                occluded += o.occluded() ? 1 : 0;
                assertTrue(o.visibleFraction() >= ImageComposer.MIN_VISIBLE, "half of every object stays visible: " + o);
                if (!o.small()) {
                    assertTrue(Math.max(o.width(), o.height()) >= 0.12 * s, "not small, yet tiny: " + o);
                }
            }
        }
        double smallRate = (double) small / all;
        assertTrue(Math.abs(smallRate - WORLD.config().smallObjectRate()) < 0.03, "small rate " + smallRate);
        double occludedRate = (double) occluded / all;
        assertTrue(occludedRate > 0.05 && occludedRate < 0.35, "occluded rate " + occludedRate);
    }

    @Test
    void objectCountsFollowTheConfiguredRange() {
        WorldConfig c = WORLD.config();
        Set<Integer> seen = new HashSet<>();
        for (WorldImage image : WORLD.images()) {
            int categories = image.categories().size();
            assertTrue(categories >= c.minObjects() && categories <= c.maxObjects(), "image " + image.id());
            assertTrue(image.objects().size() <= 2 * categories);
            seen.add(categories);
        }
        assertEquals(Set.of(3, 4, 5), seen);
    }

    /** Group-mates differ in main colour, so present and absent ones can be told apart from pixels. */
    @Test
    void groupMatesHaveDistinctMainColours() {
        for (String scene : Catalogue.sceneNames()) {
            var names = Catalogue.scene(scene).categories();
            int[] mean = new int[names.size()];
            for (int k = 0; k < names.size(); k++) {
                mean[k] = meanColour(names.get(k), scene);
            }
            for (int a = 0; a < names.size(); a++) {
                for (int b = a + 1; b < names.size(); b++) {
                    assertTrue(distance(mean[a], mean[b]) > 60, scene + ": " + names.get(a) + " and " + names.get(b)
                            + " look alike: " + Integer.toHexString(mean[a]) + " vs " + Integer.toHexString(mean[b]));
                }
            }
        }
    }

    /** The mean colour of a category drawn alone on a 48 px black canvas. */
    private static int meanColour(String category, String scene) {
        Canvas canvas = new Canvas(48);
        Canvas.Painter p = canvas.new Painter(0, 4, 4, 40, 40, false, 1.0);
        Catalogue.category(category).look().draw(p);
        long r = 0;
        long g = 0;
        long b = 0;
        int n = 0;
        for (int i = 0; i < canvas.rgb.length; i++) {
            if (canvas.owner[i] == 0) {
                r += (canvas.rgb[i] >> 16) & 255;
                g += (canvas.rgb[i] >> 8) & 255;
                b += canvas.rgb[i] & 255;
                n++;
            }
        }
        assertTrue(n > 0.3 * 40 * 40, scene + "/" + category + " fills too little of its box: " + n);
        return Canvas.rgb((int) (r / n), (int) (g / n), (int) (b / n));
    }

    static int distance(int p, int q) {
        return Math.abs(((p >> 16) & 255) - ((q >> 16) & 255)) + Math.abs(((p >> 8) & 255) - ((q >> 8) & 255))
                + Math.abs((p & 255) - (q & 255));
    }
}

package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The images' categories follow the scene definitions: the exact probability of every category
 * and every pair in a scene, computed by enumerating the units' outcomes under the configured
 * count range, matches the counts in a generated world within 4.5 binomial standard deviations.
 */
class WorldSceneStatisticsTest {
    private static final World WORLD = World.generate(WorldConfig.defaults().withImages(3000, 0, 0));

    @Test
    void objectsComeFromTheImageScene() {
        for (WorldImage image : WORLD.images()) {
            List<String> allowed = Catalogue.scene(image.scene()).categories();
            for (String c : image.categories()) {
                assertTrue(allowed.contains(c), "image " + image.id() + " (" + image.scene() + ") holds " + c);
            }
        }
    }

    @Test
    void scenesAreDrawnEvenly() {
        Map<String, Integer> counts = new HashMap<>();
        for (WorldImage image : WORLD.images()) {
            counts.merge(image.scene(), 1, Integer::sum);
        }
        int n = WORLD.images().size();
        double p = 1.0 / WORLD.config().scenes().size();
        for (String scene : WORLD.config().scenes()) {
            assertEquals(p * n, counts.getOrDefault(scene, 0), 4.5 * Math.sqrt(n * p * (1 - p)), scene);
        }
    }

    @Test
    void categoryAndPairFrequenciesMatchTheSceneDefinitions() {
        WorldConfig c = WORLD.config();
        int checkedPairs = 0;
        for (String name : c.scenes()) {
            SceneType scene = Catalogue.scene(name);
            Map<Set<String>, Double> exact = distribution(scene, c.minObjects(), c.maxObjects());
            List<WorldImage> images = new ArrayList<>();
            for (WorldImage image : WORLD.images()) {
                if (image.scene().equals(name)) {
                    images.add(image);
                }
            }
            List<String> categories = scene.categories();
            for (int a = 0; a < categories.size(); a++) {
                for (int b = a; b < categories.size(); b++) {
                    Set<String> wanted = Set.copyOf(List.of(categories.get(a), categories.get(b)));
                    double p = 0;
                    for (Map.Entry<Set<String>, Double> e : exact.entrySet()) {
                        p += e.getKey().containsAll(wanted) ? e.getValue() : 0;
                    }
                    int observed = 0;
                    for (WorldImage image : images) {
                        observed += image.categories().containsAll(wanted) ? 1 : 0;
                    }
                    double n = images.size();
                    assertEquals(p * n, observed, 4.5 * Math.sqrt(n * p * (1 - p)) + 1, name + " " + wanted);
                    checkedPairs++;
                }
            }
        }
        assertTrue(checkedPairs > 100);
    }

    /** Strong co-occurrence: a pair's partner is far more likely beside its mate than on its own base rate. */
    @Test
    void pairedCategoriesCoOccurStrongly() {
        for (String name : WORLD.config().scenes()) {
            SceneType scene = Catalogue.scene(name);
            for (SceneType.Unit u : scene.units()) {
                if (!u.isPair()) {
                    continue;
                }
                int first = 0;
                int both = 0;
                int second = 0;
                int images = 0;
                for (WorldImage image : WORLD.images()) {
                    if (!image.scene().equals(name)) {
                        continue;
                    }
                    images++;
                    boolean f = image.categories().contains(u.first());
                    boolean s = image.categories().contains(u.second());
                    first += f ? 1 : 0;
                    second += s ? 1 : 0;
                    both += f && s ? 1 : 0;
                }
                double given = (double) both / first;
                double base = (double) second / images;
                assertTrue(given > base + 0.1, name + ": P(" + u.second() + " | " + u.first() + ") = " + given
                        + " vs P(" + u.second() + ") = " + base);
            }
        }
    }

    /** Category sets with their probabilities, conditioned on the count range. */
    static Map<Set<String>, Double> distribution(SceneType scene, int min, int max) {
        Map<Set<String>, Double> joint = new HashMap<>();
        joint.put(Set.of(), 1.0);
        for (SceneType.Unit u : scene.units()) {
            Map<Set<String>, Double> next = new HashMap<>();
            for (Map.Entry<Set<String>, Double> e : joint.entrySet()) {
                for (SceneType.Outcome o : u.outcomes()) {
                    Set<String> union = new HashSet<>(e.getKey());
                    union.addAll(o.categories());
                    next.merge(Set.copyOf(union), e.getValue() * o.probability(), Double::sum);
                }
            }
            joint = next;
        }
        double kept = 0;
        Map<Set<String>, Double> conditioned = new HashMap<>();
        for (Map.Entry<Set<String>, Double> e : joint.entrySet()) {
            if (e.getKey().size() >= min && e.getKey().size() <= max) {
                conditioned.put(e.getKey(), e.getValue());
                kept += e.getValue();
            }
        }
        double total = kept;
        conditioned.replaceAll((k, v) -> v / total);
        return conditioned;
    }
}

package org.efuf4j.world;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A kind of scene: its background and which categories appear in it, and how often together. The
 * categories come in independent units; a unit is one category, or a pair that co-occurs strongly
 * (fork and knife, dog and frisbee). An image of the scene draws every unit independently and is
 * kept when its number of categories lies in the configured range.
 *
 * @param name     the scene's name, also the COCO supercategory written for its categories
 * @param prefixes opening phrases ("In a kitchen")
 * @param suffixes closing phrases ("in a kitchen")
 */
public record SceneType(String name, List<String> prefixes, List<String> suffixes, Background background,
                        List<Unit> units) {

    /** Paints the scene's background over the whole canvas. */
    @FunctionalInterface
    interface Background {
        void paint(Canvas canvas, Rng random);
    }

    /**
     * One or two categories drawn together: the unit appears with probability {@code presence};
     * a pair then holds both with probability {@code together}, else one of the two, evenly.
     */
    public record Unit(String first, String second, double presence, double together) {
        static Unit single(String category, double presence) {
            return new Unit(category, null, presence, 1);
        }

        static Unit pair(String first, String second, double presence, double together) {
            return new Unit(first, second, presence, together);
        }

        public boolean isPair() {
            return second != null;
        }

        /** The unit's possible outcomes and their probabilities (what tests compare counts against). */
        public List<Outcome> outcomes() {
            List<Outcome> out = new ArrayList<>();
            out.add(new Outcome(Set.of(), 1 - presence));
            if (isPair()) {
                out.add(new Outcome(Set.of(first, second), presence * together));
                out.add(new Outcome(Set.of(first), presence * (1 - together) / 2));
                out.add(new Outcome(Set.of(second), presence * (1 - together) / 2));
            } else {
                out.add(new Outcome(Set.of(first), presence));
            }
            return out;
        }

        void draw(Rng random, Set<String> into) {
            if (!random.chance(presence)) {
                return;
            }
            if (!isPair() || random.chance(together)) {
                into.add(first);
                if (isPair()) {
                    into.add(second);
                }
            } else {
                into.add(random.chance(0.5) ? first : second);
            }
        }
    }

    public record Outcome(Set<String> categories, double probability) {}

    /** The scene's categories, in definition order. */
    public List<String> categories() {
        Set<String> names = new LinkedHashSet<>();
        for (Unit u : units) {
            names.add(u.first());
            if (u.isPair()) {
                names.add(u.second());
            }
        }
        return List.copyOf(names);
    }

    /** The pair partner of a category, or null when it forms a unit alone. */
    String partner(String category) {
        for (Unit u : units) {
            if (u.isPair() && u.first().equals(category)) {
                return u.second();
            }
            if (u.isPair() && u.second().equals(category)) {
                return u.first();
            }
        }
        return null;
    }

    /** Draws the categories of one image, redrawing until their number lies in [min, max]. */
    Set<String> drawCategories(Rng random, int min, int max) {
        for (int attempt = 0; attempt < 100_000; attempt++) {
            Set<String> drawn = new LinkedHashSet<>();
            for (Unit u : units) {
                u.draw(random, drawn);
            }
            if (drawn.size() >= min && drawn.size() <= max) {
                return drawn;
            }
        }
        throw new IllegalStateException("scene '" + name + "': no draw of its units gave " + min + " to " + max
                + " categories in 100000 attempts; the configured objects-per-image range is too narrow");
    }
}

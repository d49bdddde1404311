package org.efuf4j.world;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Lays out and draws one image: instance sizes, shades and positions, drawn back to front (the
 * lower an object stands, the nearer it is), re-laid out until every instance keeps at least
 * {@link #MIN_VISIBLE} of its pixels, so partial occlusion happens but nothing disappears.
 */
final class ImageComposer {
    static final double MIN_VISIBLE = 0.5;
    static final double SMALL_MIN = 0.09;
    static final double SMALL_MAX = 0.13;
    static final double NORMAL_MIN = 0.18;
    static final double NORMAL_MAX = 0.32;
    private static final int LAYOUT_ATTEMPTS = 60;
    private static final int MIN_PIXELS = 6;

    /** What is drawn for one instance, before it is placed. */
    private record Instance(WorldCategory category, double width, double height, double shade, boolean mirror,
                            boolean small) {}

    private record Placed(Instance instance, double x, double y) {}

    record Composition(int[] rgb, List<WorldObject> objects) {}

    private final WorldConfig config;

    ImageComposer(WorldConfig config) {
        this.config = config;
    }

    Composition compose(SceneType scene, Set<String> categories, Rng random, long backgroundSeed) {
        int size = config.imageSize();
        List<Instance> instances = new ArrayList<>();
        for (String name : categories) {
            WorldCategory category = Catalogue.category(name);
            int count = category.countable() && random.chance(config.duplicateRate()) ? 2 : 1;
            for (int i = 0; i < count; i++) {
                instances.add(instance(category, random, size));
            }
        }
        Canvas background = new Canvas(size);
        scene.background().paint(background, new Rng(backgroundSeed));
        Composition best = null;
        double bestWorst = -1;
        for (int attempt = 0; attempt < LAYOUT_ATTEMPTS; attempt++) {
            List<Placed> layout = place(instances, random, size);
            Composition c = draw(background.rgb, layout, size);
            double worst = 1;
            for (WorldObject o : c.objects()) {
                worst = Math.min(worst, o.area() < MIN_PIXELS ? 0 : o.visibleFraction());
            }
            if (worst >= MIN_VISIBLE) {
                return c;
            }
            if (worst > bestWorst) {
                best = c;
                bestWorst = worst;
            }
        }
        return best; // crowded: the least hidden layout found; its occluded flags say what is hidden
    }

    private Instance instance(WorldCategory category, Rng random, int size) {
        boolean small = random.chance(config.smallObjectRate());
        double side = small ? random.uniform(SMALL_MIN, SMALL_MAX) : random.uniform(NORMAL_MIN, NORMAL_MAX);
        double aspect = category.aspect() * random.uniform(0.9, 1.1);
        // side is the geometric mean of width and height, so thin objects get as many pixels as round ones
        double w = side * size * Math.sqrt(aspect);
        double h = side * size / Math.sqrt(aspect);
        double fit = Math.min(1, 0.9 * size / Math.max(w, h));
        return new Instance(category, w * fit, h * fit, random.uniform(0.85, 1.15), random.chance(0.5), small);
    }

    private static List<Placed> place(List<Instance> instances, Rng random, int size) {
        List<Placed> placed = new ArrayList<>();
        for (Instance in : instances) {
            double x = random.uniform(0, size - in.width());
            double top = Math.max(0, in.category().centreTop() * size - in.height() / 2);
            double low = Math.min(size - in.height(), in.category().centreLow() * size - in.height() / 2);
            double y = top <= low ? random.uniform(top, low) : random.uniform(0, size - in.height());
            placed.add(new Placed(in, x, y));
        }
        placed.sort(Comparator.comparingDouble(p -> p.y() + p.instance().height()));
        return placed;
    }

    private static Composition draw(int[] background, List<Placed> layout, int size) {
        Canvas canvas = new Canvas(size);
        System.arraycopy(background, 0, canvas.rgb, 0, background.length);
        List<Canvas.Painter> painters = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            Placed p = layout.get(i);
            Instance in = p.instance();
            Canvas.Painter painter = canvas.new Painter(i, p.x(), p.y(), in.width(), in.height(), in.mirror(),
                    in.shade());
            in.category().look().draw(painter);
            painters.add(painter);
        }
        List<WorldObject> objects = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            Instance in = layout.get(i).instance();
            Canvas.Painter painter = painters.get(i);
            int visible = canvas.visiblePixels(i);
            double fraction = painter.painted == 0 ? 0 : (double) visible / painter.painted;
            int x = painter.painted == 0 ? 0 : painter.minX;
            int y = painter.painted == 0 ? 0 : painter.minY;
            int w = painter.painted == 0 ? 0 : painter.maxX - painter.minX + 1;
            int h = painter.painted == 0 ? 0 : painter.maxY - painter.minY + 1;
            objects.add(new WorldObject(in.category().name(), in.category().cocoId(), x, y, w, h, visible, fraction,
                    fraction < WorldObject.OCCLUDED_BELOW, in.small()));
        }
        return new Composition(canvas.rgb, objects);
    }
}

package org.efuf4j.world;

import static org.efuf4j.world.SceneType.Unit.pair;
import static org.efuf4j.world.SceneType.Unit.single;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The world's fixed content: 37 COCO categories in six scene types. Within a scene every category
 * differs from its group-mates in both shape and main colour, so a small vision tower can tell a
 * present object from an absent group-mate; the language prior is what still invents them.
 * Main colours also stand off the scene's background, so every object is visible.
 */
public final class Catalogue {
    private Catalogue() {}

    // ---- colours
    private static final int BLACK = 0x1A1A1E;
    private static final int WHITE = 0xF5F5F2;
    private static final int GREY = 0x96969C;
    private static final int DARK = 0x3C3C41;

    private static final List<Verb> STILL = List.of(Verb.STANDS, Verb.RESTS, Verb.VISIBLE);
    private static final List<Verb> LYING = List.of(Verb.LIES, Verb.RESTS, Verb.VISIBLE);

    private static final double ANY_TOP = 0.2;
    private static final double ANY_LOW = 0.8;
    private static final double GROUND_TOP = 0.55;
    private static final double GROUND_LOW = 0.85;

    /** Every category, by name, in scene order. */
    public static final Map<String, WorldCategory> CATEGORIES = categories();

    /** Every scene type, by name. */
    public static final Map<String, SceneType> SCENES = scenes();

    /** Verbs for two categories in one clause ("a dog chases a frisbee"), keyed "subject|object". */
    static final Map<String, List<Verb>> INTERACTIONS = Map.ofEntries(
            Map.entry("dog|frisbee", List.of(new Verb("chases", "chase"), new Verb("runs after", "run after"))),
            Map.entry("dog|sports ball", List.of(new Verb("plays with", "play with"))),
            Map.entry("bird|bench", List.of(new Verb("perches near", "perch near"))),
            Map.entry("car|traffic light", List.of(new Verb("waits at", "wait at"), new Verb("stops at", "stop at"))),
            Map.entry("fork|knife", List.of(new Verb("lies beside", "lie beside"))),
            Map.entry("spoon|cup", List.of(new Verb("leans against", "lean against"))),
            Map.entry("remote|tv", List.of(new Verb("lies in front of", "lie in front of"))),
            Map.entry("potted plant|couch", List.of(new Verb("stands beside", "stand beside"))),
            Map.entry("umbrella|chair", List.of(new Verb("shades", "shade"))),
            Map.entry("boat|surfboard", List.of(new Verb("drifts past", "drift past"))),
            Map.entry("banana|orange", List.of(new Verb("lies next to", "lie next to"))),
            Map.entry("donut|cake", List.of(new Verb("sits beside", "sit beside"))));

    public static List<String> sceneNames() {
        return List.copyOf(SCENES.keySet());
    }

    public static SceneType scene(String name) {
        SceneType s = SCENES.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown scene type '" + name + "'; known: " + SCENES.keySet());
        }
        return s;
    }

    public static WorldCategory category(String name) {
        WorldCategory c = CATEGORIES.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown world category '" + name + "'; known: " + CATEGORIES.keySet());
        }
        return c;
    }

    /** The scene a category belongs to (each category belongs to exactly one). */
    public static SceneType sceneOf(String category) {
        for (SceneType s : SCENES.values()) {
            if (s.categories().contains(category)) {
                return s;
            }
        }
        throw new IllegalArgumentException("category '" + category + "' belongs to no scene");
    }

    private static Map<String, WorldCategory> categories() {
        List<WorldCategory> all = new ArrayList<>();
        // kitchen
        all.add(new WorldCategory("fork", List.of(), LYING, 0.45, ANY_TOP, ANY_LOW, true, p -> {
            int c = p.main(0x285AC8);
            p.rect(c, 0.40, 0.42, 0.60, 1.00);
            p.rect(c, 0.12, 0.30, 0.88, 0.46);
            p.rect(c, 0.12, 0.00, 0.27, 0.34);
            p.rect(c, 0.42, 0.00, 0.58, 0.34);
            p.rect(c, 0.73, 0.00, 0.88, 0.34);
        }));
        all.add(new WorldCategory("knife", List.of(), LYING, 0.35, ANY_TOP, ANY_LOW, true, p -> {
            p.polygon(0xA0A0AA, 0.25, 0.0, 0.75, 0.12, 0.75, 0.58, 0.25, 0.58);
            p.rect(p.main(0xBE1E28), 0.18, 0.55, 0.82, 1.00);
        }));
        all.add(new WorldCategory("spoon", List.of(), LYING, 0.5, ANY_TOP, ANY_LOW, true, p -> {
            int c = p.main(0xF08C1E);
            p.ellipse(c, 0.0, 0.0, 1.0, 0.48);
            p.rect(c, 0.36, 0.40, 0.64, 1.00);
        }));
        all.add(new WorldCategory("bowl", List.of(), STILL, 1.6, ANY_TOP, ANY_LOW, true, p -> {
            int c = p.main(0x28A046);
            Canvas.Shape dish = Canvas.ellipseShape(0.0, -0.7, 1.0, 1.0);
            p.fill(c, 0.0, 0.28, 1.0, 1.0, dish);
            p.rect(0x146428, 0.0, 0.22, 1.0, 0.36);
        }));
        all.add(new WorldCategory("cup", List.of(), STILL, 0.95, ANY_TOP, ANY_LOW, true, p -> {
            int c = p.main(0x8232AA);
            p.ring(c, 0.55, 0.25, 1.0, 0.75, 0.5);
            p.rect(c, 0.0, 0.08, 0.72, 1.0);
            p.rect(0xC8A0E6, 0.0, 0.0, 0.72, 0.12);
        }));
        all.add(new WorldCategory("bottle", List.of(), STILL, 0.4, ANY_TOP, ANY_LOW, true, p -> {
            int c = p.main(0x8C5014);
            p.rect(c, 0.35, 0.0, 0.65, 0.32);
            p.ellipse(c, 0.05, 0.22, 0.95, 0.55);
            p.rect(c, 0.05, 0.40, 0.95, 1.0);
            p.rect(0xFAD23C, 0.05, 0.60, 0.95, 0.80);
        }));
        all.add(new WorldCategory("microwave", List.of(), STILL, 1.5, ANY_TOP, ANY_LOW, false, p -> {
            p.rect(p.main(0x505058), 0.0, 0.0, 1.0, 1.0);
            p.rect(0x141418, 0.08, 0.15, 0.66, 0.85);
            p.rect(0x50DC50, 0.76, 0.20, 0.90, 0.32);
            p.rect(0x50DC50, 0.76, 0.42, 0.90, 0.54);
        }));
        // street
        all.add(new WorldCategory("car", List.of("sedan", "van"), List.of(Verb.PARKED, Verb.WAITS, Verb.VISIBLE), 1.8,
                GROUND_TOP, GROUND_LOW, true, p -> {
            int c = p.main(0x1E46C8);
            p.polygon(c, 0.18, 0.38, 0.30, 0.0, 0.70, 0.0, 0.82, 0.38);
            p.polygon(0xAADCF0, 0.30, 0.34, 0.37, 0.10, 0.63, 0.10, 0.70, 0.34);
            p.rect(c, 0.0, 0.34, 1.0, 0.80);
            p.ellipse(BLACK, 0.08, 0.62, 0.34, 1.0);
            p.ellipse(BLACK, 0.66, 0.62, 0.92, 1.0);
        }));
        all.add(new WorldCategory("traffic light", List.of("traffic signal", "stoplight"), STILL, 0.42, 0.3, 0.7,
                true, p -> {
            p.rect(GREY, 0.40, 0.70, 0.60, 1.0);
            p.rect(p.main(BLACK), 0.0, 0.0, 1.0, 0.74);
            p.ellipse(0xE61E1E, 0.18, 0.04, 0.82, 0.24);
            p.ellipse(0xF0C81E, 0.18, 0.27, 0.82, 0.47);
            p.ellipse(0x28C83C, 0.18, 0.50, 0.82, 0.70);
        }));
        all.add(new WorldCategory("bus", List.of(), List.of(Verb.PARKED, Verb.WAITS, Verb.VISIBLE), 2.2, GROUND_TOP,
                GROUND_LOW, false, p -> {
            p.rect(p.main(0xF5C814), 0.0, 0.0, 1.0, 0.84);
            for (int i = 0; i < 4; i++) {
                double u = 0.06 + i * 0.235;
                p.rect(0x96C8F0, u, 0.14, u + 0.17, 0.44);
            }
            p.ellipse(BLACK, 0.10, 0.66, 0.28, 1.0);
            p.ellipse(BLACK, 0.72, 0.66, 0.90, 1.0);
        }));
        all.add(new WorldCategory("fire hydrant", List.of("hydrant"), STILL, 0.65, GROUND_TOP, GROUND_LOW, false, p -> {
            int c = p.main(0x1EAA3C);
            p.ellipse(c, 0.20, 0.0, 0.80, 0.40);
            p.rect(c, 0.25, 0.20, 0.75, 1.0);
            p.rect(c, 0.0, 0.45, 1.0, 0.62);
            p.rect(0x0F5A1E, 0.12, 0.88, 0.88, 1.0);
        }));
        all.add(new WorldCategory("stop sign", List.of(), STILL, 0.8, 0.35, 0.75, false, p -> {
            p.rect(GREY, 0.44, 0.66, 0.56, 1.0);
            p.polygon(p.main(0xD2191E), 0.3, 0.0, 0.7, 0.0, 1.0, 0.2, 1.0, 0.48, 0.7, 0.68, 0.3, 0.68, 0.0, 0.48,
                    0.0, 0.2);
            p.rect(WHITE, 0.18, 0.29, 0.82, 0.39);
        }));
        all.add(new WorldCategory("bicycle", List.of("bike"), List.of(Verb.PARKED, Verb.STANDS, Verb.VISIBLE), 1.6,
                GROUND_TOP, GROUND_LOW, true, p -> {
            int c = p.main(0x00B4BE);
            p.ring(BLACK, 0.0, 0.42, 0.42, 1.0, 0.55);
            p.ring(BLACK, 0.58, 0.42, 1.0, 1.0, 0.55);
            p.line(c, 0.21, 0.71, 0.45, 0.18, 0.14);
            p.line(c, 0.45, 0.18, 0.79, 0.71, 0.14);
            p.line(c, 0.45, 0.22, 0.78, 0.18, 0.14);
            p.line(c, 0.21, 0.71, 0.55, 0.71, 0.14);
            p.rect(c, 0.33, 0.05, 0.55, 0.16);
        }));
        // park
        all.add(new WorldCategory("dog", List.of("puppy"), List.of(Verb.SITS, Verb.RUNS, Verb.STANDS), 1.4,
                GROUND_TOP, GROUND_LOW, true, p -> {
            int c = p.main(0x8C5A2D);
            p.line(c, 0.17, 0.45, 0.02, 0.22, 0.12);
            p.ellipse(c, 0.12, 0.32, 0.84, 0.74);
            for (double u : new double[] {0.18, 0.34, 0.60, 0.74}) {
                p.rect(c, u, 0.62, u + 0.10, 1.0);
            }
            p.ellipse(c, 0.64, 0.06, 1.0, 0.46);
            p.ellipse(0x50321A, 0.62, 0.02, 0.78, 0.34);
            p.ellipse(BLACK, 0.92, 0.20, 1.0, 0.30);
        }));
        all.add(new WorldCategory("frisbee", List.of(), List.of(Verb.FLIES, Verb.LIES, Verb.VISIBLE), 1.8, 0.3,
                GROUND_LOW, false, p -> {
            p.ellipse(p.main(0xDC1E28), 0.0, 0.0, 1.0, 1.0);
            p.ring(0xFA8C8C, 0.18, 0.18, 0.82, 0.82, 0.6);
        }));
        all.add(new WorldCategory("bench", List.of(), List.of(Verb.STANDS, Verb.VISIBLE), 2.0, GROUND_TOP, GROUND_LOW,
                false, p -> {
            int c = p.main(0xE8E4DC);
            p.rect(DARK, 0.08, 0.0, 0.16, 1.0);
            p.rect(DARK, 0.84, 0.0, 0.92, 1.0);
            p.rect(c, 0.0, 0.02, 1.0, 0.20);
            p.rect(c, 0.0, 0.26, 1.0, 0.42);
            p.rect(c, 0.0, 0.50, 1.0, 0.66);
        }));
        all.add(new WorldCategory("bird", List.of("crow"), List.of(Verb.FLIES, Verb.SITS, Verb.VISIBLE), 1.3, 0.2,
                ANY_LOW, true, p -> {
            int c = p.main(BLACK);
            p.polygon(c, 0.12, 0.50, 0.0, 0.32, 0.0, 0.72);
            p.ellipse(c, 0.08, 0.30, 0.80, 0.82);
            p.ellipse(c, 0.58, 0.08, 0.94, 0.50);
            p.polygon(0xF0BE14, 0.90, 0.22, 1.0, 0.32, 0.90, 0.42);
            p.polygon(0x5A5A64, 0.25, 0.45, 0.52, 0.0, 0.62, 0.52);
        }));
        all.add(new WorldCategory("kite", List.of(), List.of(Verb.FLIES, Verb.HANGS), 0.8, 0.15, 0.42, true, p -> {
            int c = p.main(0xDC28B4);
            p.line(0xFAE63C, 0.5, 0.78, 0.62, 1.0, 0.08);
            p.polygon(c, 0.5, 0.0, 1.0, 0.35, 0.5, 0.8, 0.0, 0.35);
            p.line(0xFAE63C, 0.5, 0.04, 0.5, 0.76, 0.07);
            p.line(0xFAE63C, 0.06, 0.35, 0.94, 0.35, 0.07);
        }));
        all.add(new WorldCategory("sports ball", List.of("ball"), LYING, 1.0, GROUND_TOP, GROUND_LOW, false, p -> {
            p.ellipse(p.main(0xEB7814), 0.0, 0.0, 1.0, 1.0);
            p.line(BLACK, 0.5, 0.0, 0.5, 1.0, 0.08);
            p.line(BLACK, 0.0, 0.5, 1.0, 0.5, 0.08);
        }));
        // living room
        all.add(new WorldCategory("couch", List.of("sofa"), STILL, 2.0, 0.45, GROUND_LOW, false, p -> {
            int c = p.main(0x783CA0);
            p.rect(c, 0.10, 0.0, 0.90, 0.50);
            p.rect(Canvas.scale(c, 1.25), 0.0, 0.45, 1.0, 0.82);
            p.rect(c, 0.0, 0.25, 0.15, 0.86);
            p.rect(c, 0.85, 0.25, 1.0, 0.86);
            p.rect(DARK, 0.05, 0.86, 0.12, 1.0);
            p.rect(DARK, 0.88, 0.86, 0.95, 1.0);
        }));
        all.add(new WorldCategory("tv", List.of("television"), STILL, 1.4, 0.3, 0.7, false, p -> {
            p.rect(GREY, 0.40, 0.82, 0.60, 1.0);
            p.rect(p.main(BLACK), 0.0, 0.0, 1.0, 0.86);
            p.rect(0x3C78DC, 0.08, 0.08, 0.92, 0.76);
        }));
        all.add(new WorldCategory("remote", List.of(), LYING, 0.4, ANY_TOP, GROUND_LOW, false, p -> {
            p.rect(p.main(0xC81E28), 0.08, 0.0, 0.92, 1.0);
            p.ellipse(WHITE, 0.30, 0.08, 0.70, 0.22);
            p.rect(WHITE, 0.25, 0.40, 0.75, 0.48);
            p.rect(WHITE, 0.25, 0.62, 0.75, 0.70);
        }));
        all.add(new WorldCategory("potted plant", List.of("houseplant"), STILL, 0.9, ANY_TOP, GROUND_LOW, true, p -> {
            int c = p.main(0x28962F);
            p.ellipse(c, 0.05, 0.10, 0.52, 0.66);
            p.ellipse(c, 0.48, 0.10, 0.95, 0.66);
            p.ellipse(c, 0.28, 0.0, 0.72, 0.56);
            p.polygon(0xBE5A32, 0.18, 0.58, 0.82, 0.58, 0.70, 1.0, 0.30, 1.0);
        }));
        all.add(new WorldCategory("clock", List.of(), List.of(Verb.HANGS, Verb.VISIBLE), 1.0, 0.15, 0.45, false, p -> {
            p.ellipse(p.main(WHITE), 0.0, 0.0, 1.0, 1.0);
            p.ring(BLACK, 0.0, 0.0, 1.0, 1.0, 0.78);
            p.line(BLACK, 0.5, 0.5, 0.5, 0.2, 0.08);
            p.line(BLACK, 0.5, 0.5, 0.74, 0.5, 0.08);
        }));
        all.add(new WorldCategory("teddy bear", List.of(), List.of(Verb.SITS, Verb.VISIBLE), 0.85, ANY_TOP,
                GROUND_LOW, false, p -> {
            int c = p.main(0xE6AA5A);
            p.ellipse(c, 0.16, 0.0, 0.40, 0.22);
            p.ellipse(c, 0.60, 0.0, 0.84, 0.22);
            p.ellipse(c, 0.18, 0.40, 0.82, 1.0);
            p.ellipse(c, 0.24, 0.05, 0.76, 0.52);
            p.ellipse(0xF5DCB4, 0.40, 0.26, 0.60, 0.42);
            p.ellipse(BLACK, 0.34, 0.16, 0.42, 0.24);
            p.ellipse(BLACK, 0.58, 0.16, 0.66, 0.24);
        }));
        // beach
        all.add(new WorldCategory("umbrella", List.of(), STILL, 1.2, 0.45, GROUND_LOW, true, p -> {
            int c = p.main(0xDC2832);
            p.rect(DARK, 0.47, 0.40, 0.53, 1.0);
            Canvas.Shape dome = Canvas.ellipseShape(0.0, 0.0, 1.0, 0.9);
            p.fill(c, 0.0, 0.0, 1.0, 0.45, dome);
            p.fill(WHITE, 0.22, 0.0, 0.36, 0.45, dome);
            p.fill(WHITE, 0.64, 0.0, 0.78, 0.45, dome);
        }));
        all.add(new WorldCategory("surfboard", List.of(), List.of(Verb.LIES, Verb.STANDS, Verb.VISIBLE), 0.36,
                GROUND_TOP, GROUND_LOW, true, p -> {
            p.ellipse(p.main(0xF050A0), 0.0, 0.0, 1.0, 1.0);
            p.line(WHITE, 0.5, 0.08, 0.5, 0.92, 0.18);
        }));
        all.add(new WorldCategory("boat", List.of("sailboat"), List.of(Verb.FLOATS, Verb.VISIBLE), 1.1, 0.3, 0.45, true,
                p -> {
            p.rect(DARK, 0.46, 0.0, 0.52, 0.66);
            p.polygon(WHITE, 0.52, 0.02, 0.52, 0.60, 0.92, 0.60);
            p.polygon(0xFAFAC8, 0.46, 0.12, 0.46, 0.60, 0.16, 0.60);
            p.polygon(p.main(0x784614), 0.0, 0.64, 1.0, 0.64, 0.82, 1.0, 0.18, 1.0);
        }));
        all.add(new WorldCategory("chair", List.of(), List.of(Verb.STANDS, Verb.VISIBLE), 1.0, 0.6, GROUND_LOW, true,
                p -> {
            int c = p.main(0x283CC8);
            p.polygon(c, 0.08, 0.0, 0.34, 0.0, 0.56, 0.62, 0.30, 0.62);
            p.rect(c, 0.34, 0.52, 1.0, 0.68);
            p.line(DARK, 0.42, 0.66, 0.30, 1.0, 0.09);
            p.line(DARK, 0.90, 0.66, 1.0, 1.0, 0.09);
        }));
        all.add(new WorldCategory("backpack", List.of("knapsack"), LYING, 0.8, 0.55, GROUND_LOW, false, p -> {
            int c = p.main(0x328C3C);
            p.ellipse(c, 0.10, 0.0, 0.90, 0.36);
            p.rect(c, 0.10, 0.18, 0.90, 1.0);
            p.rect(0x1E5A28, 0.24, 0.56, 0.76, 0.86);
        }));
        all.add(new WorldCategory("handbag", List.of("purse"), LYING, 1.1, 0.6, GROUND_LOW, false, p -> {
            int c = p.main(0x8C28A0);
            p.fill(c, 0.22, 0.0, 0.78, 0.40, (u, v) -> {
                double du = (u - 0.5) / 0.28;
                double dv = (v - 0.40) / 0.40;
                double r = du * du + dv * dv;
                return r <= 1 && r >= 0.45;
            });
            p.polygon(c, 0.10, 0.36, 0.90, 0.36, 1.0, 1.0, 0.0, 1.0);
            p.rect(0xF0C83C, 0.44, 0.50, 0.56, 0.60);
        }));
        // breakfast table
        all.add(new WorldCategory("donut", List.of("doughnut"), LYING, 1.0, ANY_TOP, ANY_LOW, true, p -> {
            p.ring(0xB47846, 0.0, 0.0, 1.0, 1.0, 0.36);
            p.ring(p.main(0xF082AA), 0.06, 0.04, 0.94, 0.90, 0.44);
            p.rect(0xFAFA78, 0.20, 0.30, 0.28, 0.36);
            p.rect(0xFAFA78, 0.70, 0.52, 0.78, 0.58);
            p.rect(0x78C8FA, 0.56, 0.14, 0.64, 0.20);
        }));
        all.add(new WorldCategory("cake", List.of(), STILL, 1.15, ANY_TOP, ANY_LOW, false, p -> {
            p.rect(0xE61E1E, 0.45, 0.0, 0.55, 0.30);
            p.ellipse(0xFADC32, 0.42, 0.0, 0.58, 0.12);
            p.rect(p.main(0x6E3C1E), 0.0, 0.32, 1.0, 1.0);
            p.rect(0xF078A0, 0.0, 0.30, 1.0, 0.44);
            p.rect(0xFAE6C8, 0.0, 0.62, 1.0, 0.70);
        }));
        all.add(new WorldCategory("sandwich", List.of("burger"), LYING, 1.4, ANY_TOP, ANY_LOW, false, p -> {
            int bread = p.main(0xD7AA64);
            p.ellipse(bread, 0.0, 0.0, 1.0, 0.60);
            p.fill(bread, 0.0, 0.0, 1.0, 0.30, Canvas.ellipseShape(0.0, 0.0, 1.0, 0.60));
            p.rect(0x50B43C, 0.0, 0.30, 1.0, 0.44);
            p.rect(0xDC3228, 0.04, 0.44, 0.96, 0.58);
            p.rect(bread, 0.02, 0.58, 0.98, 0.86);
        }));
        all.add(new WorldCategory("banana", List.of(), LYING, 1.6, ANY_TOP, ANY_LOW, true, p -> {
            Canvas.Shape outer = Canvas.ellipseShape(0.0, -0.9, 1.0, 1.0);
            Canvas.Shape inner = Canvas.ellipseShape(0.08, -1.3, 0.92, 0.55);
            p.fill(p.main(0xF5D728), 0.0, 0.0, 1.0, 1.0, (u, v) -> outer.contains(u, v) && !inner.contains(u, v));
            p.ellipse(0x503214, 0.0, 0.0, 0.10, 0.18);
            p.ellipse(0x503214, 0.90, 0.0, 1.0, 0.18);
        }));
        all.add(new WorldCategory("orange", List.of(), LYING, 1.0, ANY_TOP, ANY_LOW, true, p -> {
            int c = p.main(0xFA8C14);
            p.ellipse(c, 0.0, 0.08, 1.0, 1.0);
            p.ellipse(0x32A032, 0.50, 0.0, 0.78, 0.18);
            for (double[] d : new double[][] {{0.3, 0.4}, {0.6, 0.5}, {0.4, 0.72}, {0.72, 0.75}, {0.22, 0.6}}) {
                p.rect(Canvas.scale(c, 0.8), d[0], d[1], d[0] + 0.07, d[1] + 0.07);
            }
        }));
        all.add(new WorldCategory("broccoli", List.of(), LYING, 0.9, ANY_TOP, ANY_LOW, false, p -> {
            int c = p.main(0x289628);
            p.rect(0x96C864, 0.36, 0.45, 0.64, 1.0);
            p.ellipse(c, 0.0, 0.05, 0.55, 0.55);
            p.ellipse(c, 0.45, 0.05, 1.0, 0.55);
            p.ellipse(c, 0.20, 0.0, 0.80, 0.45);
            p.ellipse(Canvas.scale(c, 0.7), 0.30, 0.18, 0.42, 0.30);
            p.ellipse(Canvas.scale(c, 0.7), 0.62, 0.24, 0.74, 0.36);
        }));
        Map<String, WorldCategory> byName = new LinkedHashMap<>();
        for (WorldCategory c : all) {
            byName.put(c.name(), c);
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    private static Map<String, SceneType> scenes() {
        Map<String, SceneType> s = new LinkedHashMap<>();
        s.put("kitchen", new SceneType("kitchen", List.of("In a kitchen", "In the kitchen", "On a kitchen counter"),
                List.of("in a kitchen", "in the kitchen", "on a kitchen counter"), Catalogue::kitchen,
                List.of(pair("fork", "knife", 0.5, 0.8), pair("spoon", "cup", 0.5, 0.75), single("bowl", 0.45),
                        single("bottle", 0.4), single("microwave", 0.3))));
        s.put("street", new SceneType("street", List.of("On a street", "In the street", "On a city road"),
                List.of("on a street", "in the street", "on a busy road"), Catalogue::street,
                List.of(pair("car", "traffic light", 0.55, 0.8), pair("stop sign", "fire hydrant", 0.45, 0.75),
                        single("bus", 0.4), single("bicycle", 0.4))));
        s.put("park", new SceneType("park", List.of("In a park", "On the grass", "In a green park"),
                List.of("in a park", "on the grass", "in the park"), Catalogue::park,
                List.of(pair("dog", "frisbee", 0.55, 0.8), pair("bench", "bird", 0.5, 0.75), single("kite", 0.4),
                        single("sports ball", 0.35))));
        s.put("living room", new SceneType("living room", List.of("In a living room", "In the living room",
                        "Inside a cozy room"), List.of("in a living room", "in the living room", "indoors"),
                Catalogue::livingRoom,
                List.of(pair("remote", "tv", 0.55, 0.8), pair("potted plant", "couch", 0.5, 0.75), single("clock", 0.4),
                        single("teddy bear", 0.35))));
        s.put("beach", new SceneType("beach", List.of("On a beach", "On the sand", "At the seaside"),
                List.of("on a beach", "on the sand", "by the sea"), Catalogue::beach,
                List.of(pair("umbrella", "chair", 0.55, 0.8), pair("boat", "surfboard", 0.5, 0.75),
                        single("backpack", 0.4), single("handbag", 0.35))));
        s.put("breakfast", new SceneType("breakfast", List.of("On a checkered cloth", "At breakfast",
                        "On a blue checkered cloth"), List.of("on a checkered cloth", "at breakfast", "for breakfast"),
                Catalogue::breakfast,
                List.of(pair("banana", "orange", 0.55, 0.8), pair("donut", "cake", 0.5, 0.75), single("sandwich", 0.45),
                        single("broccoli", 0.4))));
        return java.util.Collections.unmodifiableMap(s);
    }

    // ---- backgrounds: every one has texture, so the model must find objects, not just non-flat pixels

    private static void kitchen(Canvas c, Rng r) {
        int tile = Math.max(6, c.size / 8);
        int shift = r.nextInt(tile);
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                int tx = x + shift;
                int ty = y + shift;
                boolean grout = tx % tile == 0 || ty % tile == 0;
                int base = grout ? 0xAAAAA5 : ((tx / tile + ty / tile) % 2 == 0 ? 0xECE6D6 : 0xDCD6C2);
                c.rgb[y * c.size + x] = Canvas.offset(base, r.nextInt(7) - 3);
            }
        }
    }

    private static void street(Canvas c, Rng r) {
        int horizon = (int) Math.round(c.size * r.uniform(0.34, 0.42));
        int lane = (int) Math.round(c.size * r.uniform(0.66, 0.80));
        int dash = Math.max(4, c.size / 10);
        int phase = r.nextInt(2 * dash);
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                int color;
                if (y < horizon) {
                    color = Canvas.rgb(135 + y * 40 / c.size, 185 + y * 20 / c.size, 235);
                } else if (Math.abs(y - lane) <= c.size / 64 && ((x + phase) / dash) % 2 == 0) {
                    color = 0xF0F0E6;
                } else {
                    color = Canvas.offset(0x55555A, r.nextInt(13) - 6);
                }
                c.rgb[y * c.size + x] = color;
            }
        }
    }

    private static void park(Canvas c, Rng r) {
        int horizon = (int) Math.round(c.size * r.uniform(0.25, 0.35));
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                int color;
                if (y < horizon) {
                    color = Canvas.rgb(150 + y * 30 / c.size, 200, 240);
                } else {
                    int blade = r.nextInt(10) == 0 ? -30 : r.nextInt(15) - 7;
                    color = Canvas.offset(0x46963C, blade);
                }
                c.rgb[y * c.size + x] = color;
            }
        }
    }

    private static void livingRoom(Canvas c, Rng r) {
        int floor = (int) Math.round(c.size * r.uniform(0.58, 0.68));
        int stripe = Math.max(4, c.size / 12);
        int plank = Math.max(4, c.size / 16);
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                int color;
                if (y < floor) {
                    color = (x / stripe) % 2 == 0 ? 0xE1CDAA : 0xD7C3A0;
                } else if ((y - floor) % plank == 0) {
                    color = 0x6E4628;
                } else {
                    color = Canvas.offset(0x966440, r.nextInt(9) - 4);
                }
                c.rgb[y * c.size + x] = color;
            }
        }
    }

    private static void beach(Canvas c, Rng r) {
        int sea = (int) Math.round(c.size * r.uniform(0.22, 0.30));
        int sand = (int) Math.round(c.size * r.uniform(0.50, 0.56));
        int wave = Math.max(3, c.size / 16);
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                int color;
                if (y < sea) {
                    color = Canvas.rgb(165, 210, 245);
                } else if (y < sand) {
                    color = (y - sea) % wave == 0 && (x / 3) % 2 == 0 ? 0x78AAE6 : 0x286EBE;
                } else {
                    color = Canvas.offset(0xE6D296, r.nextInt(8) == 0 ? -25 : r.nextInt(7) - 3);
                }
                c.rgb[y * c.size + x] = color;
            }
        }
    }

    private static void breakfast(Canvas c, Rng r) {
        int check = Math.max(4, c.size / 8);
        int sx = r.nextInt(check);
        int sy = r.nextInt(check);
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                boolean bx = ((x + sx) / check) % 2 == 0;
                boolean by = ((y + sy) / check) % 2 == 0;
                int color = bx && by ? 0x6E8CD2 : (bx || by ? 0xA0B9E6 : 0xEBF0FA);
                c.rgb[y * c.size + x] = Canvas.offset(color, r.nextInt(5) - 2);
            }
        }
    }
}

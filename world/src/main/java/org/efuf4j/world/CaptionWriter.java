package org.efuf4j.world;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an image's captions. A caption is first planned (which categories, in which order, and
 * whether each is present) and then put into words from varied multi-clause templates. Every
 * planned category is named exactly once and no template word is an object term, so what a
 * caption mentions is exactly its plan; tests check that through CHAIR.
 */
final class CaptionWriter {
    private static final List<String> NEAR = List.of("near", "next to", "beside");
    private static final List<String> ANY_POSITION = List.of("on the left", "on the right", "in the middle",
            "at the top", "at the bottom", "in the corner");

    /** A planned mention: a category with its instance count; anchor is null for an absent one. */
    private record Item(WorldCategory category, int count, WorldObject anchor) {
        boolean present() {
            return anchor != null;
        }
    }

    private final WorldConfig config;
    private final SceneType scene;
    private final List<WorldObject> objects;
    private final int size;
    /** The categories in the order the caption being worded names them. */
    private final List<String> spoken = new ArrayList<>();

    CaptionWriter(WorldConfig config, SceneType scene, List<WorldObject> objects) {
        this.config = config;
        this.scene = scene;
        this.objects = objects;
        this.size = config.imageSize();
    }

    /** The references, for each its training variant, and the detailed descriptions; {@code seed} fixes all of them. */
    record Captions(List<WorldCaption> references, List<WorldCaption> training, List<WorldCaption> descriptions) {}

    Captions write(long seed) {
        List<WorldCaption> references = new ArrayList<>();
        List<WorldCaption> training = new ArrayList<>();
        for (int i = 0; i < config.referenceCaptions(); i++) {
            List<Item> plan = referencePlan(Rng.derive(seed, 1, i));
            WorldCaption reference = realize(plan, List.of(), Rng.derive(seed, 2, i));
            references.add(reference);

            Rng noise = Rng.derive(seed, 3, i);
            List<Item> variant = new ArrayList<>(plan);
            List<String> omitted = new ArrayList<>();
            if (noise.chance(config.captionNoise()) && variant.size() > 1) {
                omitted.add(variant.remove(noise.nextInt(variant.size())).category().name());
            }
            if (noise.chance(config.hallucinationRate())) {
                injectAbsent(variant, noise);
            }
            training.add(variant.equals(plan) ? reference : realize(variant, omitted, Rng.derive(seed, 4, i)));
        }
        List<WorldCaption> descriptions = new ArrayList<>();
        for (int i = 0; i < config.referenceCaptions(); i++) {
            descriptions.add(describe(Rng.derive(seed, 5, i)));
        }
        return new Captions(references, training, descriptions);
    }

    /**
     * A detailed description: every present category, the largest (most visible pixels) first, so the small and the
     * occluded ones, at the limit of what a captioner perceives, come last; each in its own clause after ", " so a
     * clause is what EFUF's subsentence splitter cuts. With the world's description hallucination rate one absent
     * group-mate (a second one 30% of the time) follows in a clause of its own just before the ".": a description that
     * runs past its evidence with objects the scene makes likely, the end-of-sequence view of hallucination.
     */
    private WorldCaption describe(Rng r) {
        List<Item> plan = presentByArea();
        if (r.chance(config.descriptionHallucinationRate())) {
            int extra = r.chance(0.3) ? 2 : 1;
            for (int k = 0; k < extra; k++) {
                List<String> candidates = absentCandidates(plan);
                if (candidates.isEmpty()) break; // every category of the scene is already named
                plan.add(new Item(Catalogue.category(r.pick(candidates)), 1, null));
            }
        }
        spoken.clear();
        StringBuilder text = new StringBuilder(r.pick(scene.prefixes())).append(" there ")
                .append(plan.getFirst().count() == 1 ? "is " : "are ");
        List<String> absent = new ArrayList<>();
        for (int k = 0; k < plan.size(); k++) {
            Item x = plan.get(k);
            if (k > 0) text.append(", ");
            text.append(phrase(x, r));
            if (r.chance(config.descriptionPositionRate())) text.append(' ').append(position(x, r));
            if (!x.present()) absent.add(x.category().name());
        }
        return new WorldCaption(text.append('.').toString(), spoken, absent, List.of());
    }

    /** Every present category once (its largest instance the anchor), by visible area, largest first. */
    private List<Item> presentByArea() {
        Map<String, List<WorldObject>> byCategory = new LinkedHashMap<>();
        for (WorldObject o : objects) {
            byCategory.computeIfAbsent(o.category(), k -> new ArrayList<>()).add(o);
        }
        List<Item> items = new ArrayList<>();
        List<Integer> areas = new ArrayList<>();
        for (Map.Entry<String, List<WorldObject>> e : byCategory.entrySet()) {
            WorldObject anchor = e.getValue().getFirst();
            int area = 0;
            for (WorldObject o : e.getValue()) {
                area += o.area();
                if (o.area() > anchor.area()) anchor = o;
            }
            int at = 0;
            while (at < items.size() && areas.get(at) >= area) at++;
            items.add(at, new Item(Catalogue.category(e.getKey()), e.getValue().size(), anchor));
            areas.add(at, area);
        }
        return items;
    }

    /**
     * The scene's categories the image lacks and the plan does not name yet, a partner of a present category three
     * times over: the co-occurrence a language prior learns.
     */
    private List<String> absentCandidates(List<Item> plan) {
        List<String> present = new ArrayList<>();
        for (WorldObject o : objects) {
            present.add(o.category());
        }
        List<String> named = new ArrayList<>();
        for (Item x : plan) named.add(x.category().name());
        List<String> candidates = new ArrayList<>();
        for (String c : scene.categories()) {
            if (!present.contains(c) && !named.contains(c)) {
                String partner = scene.partner(c);
                int weight = partner != null && present.contains(partner) ? 3 : 1;
                for (int k = 0; k < weight; k++) {
                    candidates.add(c);
                }
            }
        }
        return candidates;
    }

    /** Present categories, most visible first; a small object is left out half of the time. */
    private List<Item> referencePlan(Rng r) {
        Map<String, List<WorldObject>> byCategory = new LinkedHashMap<>();
        for (WorldObject o : objects) {
            byCategory.computeIfAbsent(o.category(), k -> new ArrayList<>()).add(o);
        }
        List<Item> items = new ArrayList<>();
        List<Integer> areas = new ArrayList<>();
        for (Map.Entry<String, List<WorldObject>> e : byCategory.entrySet()) {
            WorldObject anchor = e.getValue().getFirst();
            int area = 0;
            boolean allSmall = true;
            for (WorldObject o : e.getValue()) {
                area += o.area();
                allSmall &= o.small();
                if (o.area() > anchor.area()) {
                    anchor = o;
                }
            }
            if (allSmall && r.chance(0.5) && byCategory.size() > 1) {
                continue;
            }
            int at = 0;
            while (at < items.size() && areas.get(at) >= area) {
                at++;
            }
            items.add(at, new Item(Catalogue.category(e.getKey()), e.getValue().size(), anchor));
            areas.add(at, area);
        }
        if (items.size() > 1 && r.chance(0.3)) {
            int k = r.nextInt(items.size() - 1);
            items.add(k, items.remove(k + 1));
        }
        return items;
    }

    /**
     * Adds one category of the scene the image lacks, preferring the pair partner of a present
     * one, right after that partner: the co-occurrence a language prior learns.
     */
    private void injectAbsent(List<Item> plan, Rng r) {
        List<String> candidates = absentCandidates(plan);
        if (candidates.isEmpty()) {
            return; // every category of the scene is present: nothing absent to name
        }
        String chosen = r.pick(candidates);
        String partner = scene.partner(chosen);
        int at = r.nextInt(plan.size() + 1);
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).category().name().equals(partner)) {
                at = i + 1;
            }
        }
        plan.add(at, new Item(Catalogue.category(chosen), 1, null));
    }

    // ---- wording

    private WorldCaption realize(List<Item> plan, List<String> omitted, Rng r) {
        spoken.clear();
        List<String> clauses = new ArrayList<>();
        Item previous = null;
        int i = 0;
        while (i < plan.size()) {
            if (i + 1 < plan.size() && r.chance(0.45)) {
                clauses.add(pairClause(plan.get(i), plan.get(i + 1), r));
                previous = null;
                i += 2;
            } else {
                clauses.add(singleClause(plan.get(i), previous, r));
                previous = plan.get(i);
                i++;
            }
        }
        StringBuilder text = new StringBuilder();
        int framing = r.nextInt(4);
        if (framing == 0) {
            text.append(r.pick(scene.prefixes())).append(", ");
        } else if (framing == 3) {
            text.append("A photo taken ").append(r.pick(scene.suffixes())).append(". ");
        }
        boolean sentenceStart = framing != 0;
        for (int k = 0; k < clauses.size(); k++) {
            String clause = clauses.get(k);
            if (k == 0 && framing == 1) {
                clause = clause + " " + r.pick(scene.suffixes());
            }
            text.append(sentenceStart ? capitalize(clause) : clause);
            if (k + 1 < clauses.size()) {
                String connector = r.pick(List.of(", and ", ", and ", ", while ", "; ", ". "));
                text.append(connector);
                sentenceStart = connector.equals(". ");
            }
        }
        text.append('.');
        List<String> absent = new ArrayList<>();
        for (Item item : plan) {
            if (!item.present()) {
                absent.add(item.category().name());
            }
        }
        return new WorldCaption(text.toString(), spoken, absent, omitted);
    }

    private String singleClause(Item x, Item previous, Rng r) {
        String verb = r.pick(x.category().verbs()).of(x.count());
        if (previous != null && r.chance(0.35)) {
            return phrase(x, r) + " " + verb + " " + relation(x, previous, r) + (previous.count() == 1 ? " it" : " them");
        }
        return switch (r.nextInt(4)) {
            case 0 -> position(x, r) + " " + phrase(x, r) + " " + verb;
            case 1 -> phrase(x, r) + " " + verb + " " + position(x, r);
            case 2 -> "there " + (x.count() == 1 ? "is " : "are ") + phrase(x, r) + " " + position(x, r);
            default -> phrase(x, r) + " can be seen " + position(x, r);
        };
    }

    private String pairClause(Item x, Item y, Rng r) {
        List<Verb> forward = Catalogue.INTERACTIONS.get(x.category().name() + "|" + y.category().name());
        List<Verb> backward = Catalogue.INTERACTIONS.get(y.category().name() + "|" + x.category().name());
        if ((forward != null || backward != null) && r.chance(0.6)) {
            Item subject = forward != null ? x : y;
            Item object = forward != null ? y : x;
            String clause = phrase(subject, r) + " " + r.pick(forward != null ? forward : backward).of(subject.count())
                    + " " + phrase(object, r);
            return r.chance(0.4) ? clause + " " + position(subject, r) : clause;
        }
        // "x and y stand on the left" only where both do stand there
        int form = r.nextInt(3);
        if (form == 0 && x.present() && y.present() && !region(x.anchor()).equals(region(y.anchor()))) {
            form = 1;
        }
        return switch (form) {
            case 0 -> phrase(x, r) + " and " + phrase(y, r) + " " + r.pick(x.category().verbs()).plural() + " "
                    + position(x, r);
            case 1 -> phrase(x, r) + " " + r.pick(x.category().verbs()).of(x.count()) + " " + relation(x, y, r) + " "
                    + phrase(y, r);
            default -> phrase(x, r) + " " + r.pick(x.category().verbs()).of(x.count()) + " " + position(x, r)
                    + ", with " + phrase(y, r) + " nearby";
        };
    }

    /** "a dog", "two small cars", "an umbrella", a synonym at the configured rate. */
    private String phrase(Item x, Rng r) {
        WorldCategory c = x.category();
        spoken.add(c.name()); // phrases are built in reading order: Java evaluates concatenations left to right
        String term = !c.synonyms().isEmpty() && r.chance(config.synonymRate()) ? r.pick(c.synonyms()) : c.name();
        String adjective = "";
        if (x.present() && x.anchor().small() && r.chance(0.6)) {
            adjective = "small ";
        } else if (x.present() && Math.max(x.anchor().width(), x.anchor().height()) > 0.4 * size && r.chance(0.3)) {
            adjective = "large ";
        }
        if (x.count() == 1) {
            String words = adjective + WorldCategory.display(term);
            return ("aeiou".indexOf(words.charAt(0)) >= 0 ? "an " : "a ") + words;
        }
        return "two " + adjective + WorldCategory.display(WorldCategory.plural(term));
    }

    /** Where the item's anchor lies in the image, in words; anywhere for an absent item. */
    private String position(Item x, Rng r) {
        if (!x.present()) {
            return r.pick(ANY_POSITION);
        }
        String[] where = region(x.anchor()).split(" ");
        String horizontal = where[1].equals("-") ? null : where[1];
        String vertical = where[0].equals("-") ? null : where[0];
        if (horizontal == null && vertical == null) {
            return r.pick(List.of("in the middle", "in the center"));
        }
        if (vertical == null) {
            return r.pick(List.of("on the " + horizontal, "on the " + horizontal + " side"));
        }
        if (horizontal == null) {
            return "at the " + vertical;
        }
        return r.pick(List.of("in the " + vertical + " " + horizontal + " corner", "at the " + vertical + " "
                + horizontal));
    }

    /** The ninth of the image an object's centre lies in: "top left", "- right", "- -" (middle). */
    private String region(WorldObject o) {
        double cx = o.centreX() / size;
        double cy = o.centreY() / size;
        String horizontal = cx < 0.36 ? "left" : cx > 0.64 ? "right" : "-";
        String vertical = cy < 0.36 ? "top" : cy > 0.64 ? "bottom" : "-";
        return vertical + " " + horizontal;
    }

    /** Where x lies relative to y: from the drawing when both are present, vague otherwise. */
    private String relation(Item x, Item y, Rng r) {
        if (!x.present() || !y.present()) {
            return r.pick(NEAR);
        }
        WorldObject a = x.anchor();
        WorldObject b = y.anchor();
        if (a.overlaps(b)) {
            return objects.indexOf(a) > objects.indexOf(b) ? "in front of" : "behind";
        }
        double dx = a.centreX() - b.centreX();
        double dy = a.centreY() - b.centreY();
        if (Math.hypot(dx, dy) < 0.35 * size && r.chance(0.3)) {
            return r.pick(NEAR);
        }
        if (Math.abs(dx) >= Math.abs(dy)) {
            return dx < 0 ? "to the left of" : "to the right of";
        }
        return dy < 0 ? "above" : "below";
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

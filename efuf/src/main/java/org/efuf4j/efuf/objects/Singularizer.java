package org.efuf4j.efuf.objects;

import java.util.Map;
import java.util.Set;

/**
 * English noun singularisation by rules, sized for caption vocabulary: CHAIR runs pattern.en's
 * singularize over every word before looking words up, so "knives", "mice", "people" and "buses"
 * must come out as vocabulary words. Words that are not plural nouns pass through unchanged or are
 * changed harmlessly (e.g. "has" becomes "ha"), which cannot create an object mention as long as
 * no vocabulary term is such a fragment. Hyphenated compounds are singularised on their last part.
 */
public final class Singularizer {

    /** Plurals no suffix rule reaches. */
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("people", "person"), Map.entry("persons", "person"),
            Map.entry("children", "child"), Map.entry("men", "man"), Map.entry("women", "woman"),
            Map.entry("mice", "mouse"), Map.entry("lice", "louse"), Map.entry("geese", "goose"),
            Map.entry("feet", "foot"), Map.entry("teeth", "tooth"), Map.entry("oxen", "ox"),
            Map.entry("dice", "die"), Map.entry("cacti", "cactus"), Map.entry("fungi", "fungus"),
            Map.entry("knives", "knife"), Map.entry("wives", "wife"), Map.entry("lives", "life"),
            Map.entry("leaves", "leaf"), Map.entry("loaves", "loaf"), Map.entry("calves", "calf"),
            Map.entry("halves", "half"), Map.entry("shelves", "shelf"), Map.entry("wolves", "wolf"),
            Map.entry("scarves", "scarf"), Map.entry("thieves", "thief"), Map.entry("hooves", "hoof"),
            Map.entry("selves", "self"), Map.entry("elves", "elf"), Map.entry("dwarves", "dwarf"),
            Map.entry("buses", "bus"), Map.entry("busses", "bus"), Map.entry("minibuses", "minibus"),
            Map.entry("trolleybuses", "trolleybus"), Map.entry("lenses", "lens"), Map.entry("gases", "gas"),
            Map.entry("canvases", "canvas"), Map.entry("walruses", "walrus"), Map.entry("octopuses", "octopus"),
            Map.entry("cactuses", "cactus"), Map.entry("campuses", "campus"), Map.entry("circuses", "circus"),
            Map.entry("irises", "iris"), Map.entry("atlases", "atlas"), Map.entry("buzzes", "buzz"),
            Map.entry("potatoes", "potato"), Map.entry("tomatoes", "tomato"), Map.entry("heroes", "hero"),
            Map.entry("echoes", "echo"), Map.entry("volcanoes", "volcano"), Map.entry("mangoes", "mango"),
            Map.entry("mosquitoes", "mosquito"), Map.entry("torpedoes", "torpedo"), Map.entry("dominoes", "domino"),
            Map.entry("quizzes", "quiz"), Map.entry("analyses", "analysis"), Map.entry("axes", "axe"),
            Map.entry("skis", "ski"), Map.entry("taxis", "taxi"), Map.entry("kiwis", "kiwi"),
            Map.entry("bikinis", "bikini"), Map.entry("martinis", "martini"), Map.entry("safaris", "safari"),
            Map.entry("yetis", "yeti"), Map.entry("broccolis", "broccoli"), Map.entry("minis", "mini"),
            Map.entry("salamis", "salami"), Map.entry("zucchinis", "zucchini"), Map.entry("wikis", "wiki"),
            Map.entry("corgis", "corgi"), Map.entry("paninis", "panini"), Map.entry("airbuses", "airbus"),
            Map.entry("zebus", "zebu"), Map.entry("emus", "emu"), Map.entry("gnus", "gnu"), Map.entry("menus", "menu"),
            Map.entry("gurus", "guru"), Map.entry("tutus", "tutu"));

    /** Words with a plural-looking ending that are singular (or have no distinct singular). */
    private static final Set<String> UNCHANGED = Set.of(
            "sheep", "deer", "fish", "moose", "bison", "cattle", "series", "species", "aircraft",
            "watercraft", "spacecraft", "offspring", "scissors", "shears", "pants", "trousers", "jeans",
            "shorts", "binoculars", "pliers", "tongs", "clothes", "news", "physics", "chaos",
            "kudos", "cosmos", "tennis", "bus", "gas", "canvas", "atlas", "lens", "christmas", "texas",
            "alias", "bias", "pajamas", "pyjamas", "goggles", "headphones", "earphones",
            "overalls", "economics", "mathematics", "athletics", "gymnastics", "this", "his", "its", "is",
            "was", "has", "does", "yes", "us", "as", "thus", "plus", "less", "perhaps", "always");

    /** "-ies" words whose singular keeps the "ie" ("collies" -> "collie", not "colly"). */
    private static final Set<String> IE_SINGULAR = Set.of(
            "collies", "doggies", "cookies", "movies", "brownies", "smoothies", "hippies", "goalies",
            "rookies", "zombies", "selfies", "veggies", "pixies", "calories", "prairies", "aussies",
            "freebies", "hoodies", "beanies", "genies", "techies", "newbies", "birdies", "hoagies",
            "budgies", "sweeties", "pies", "ties", "lies", "dies", "magpies", "neckties", "bowties",
            "walkies", "sushies", "quickies", "boogies", "groupies", "yuppies", "lassies", "bookies");

    /** "-ches" words whose singular ends in "che" ("niches" -> "niche", not "nich"). */
    private static final Set<String> CHE_SINGULAR = Set.of(
            "niches", "caches", "avalanches", "moustaches", "mustaches", "headaches", "quiches", "cliches",
            "creches", "microfiches", "psyches");

    private static final Set<String> MAN_EXCEPTIONS = Set.of(
            "specimen", "abdomen", "omen", "semen", "stamen", "ramen", "amen", "yemen", "hymen", "regimen");

    private Singularizer() {}

    public static String singularize(String word) {
        int hyphen = word.lastIndexOf('-');
        if (hyphen >= 0 && hyphen < word.length() - 1) {
            return word.substring(0, hyphen + 1) + singularizeSimple(word.substring(hyphen + 1));
        }
        return singularizeSimple(word);
    }

    private static String singularizeSimple(String w) {
        if (w.length() <= 2 || UNCHANGED.contains(w)) {
            return w;
        }
        String irregular = IRREGULAR.get(w);
        if (irregular != null) {
            return irregular;
        }
        if (w.endsWith("knives")) {
            return w.substring(0, w.length() - 3) + "fe"; // pocketknives, penknives
        }
        if (w.endsWith("men") && !MAN_EXCEPTIONS.contains(w)) {
            return w.substring(0, w.length() - 3) + "man"; // policemen, businessmen, fishermen
        }
        if (!w.endsWith("s") || w.endsWith("ss") || w.endsWith("us") || w.endsWith("is") || w.endsWith("'s")) {
            return w; // not a regular plural (glass, bus, octopus, tennis)
        }
        if (w.endsWith("ies")) {
            if (IE_SINGULAR.contains(w) || w.length() <= 4) {
                return w.substring(0, w.length() - 1);
            }
            return w.substring(0, w.length() - 3) + "y"; // ponies, puppies, lorries
        }
        if (w.endsWith("sses") || w.endsWith("shes") || w.endsWith("xes") || w.endsWith("zzes")) {
            return w.substring(0, w.length() - 2); // glasses, toothbrushes, boxes
        }
        if (w.endsWith("ches")) {
            return CHE_SINGULAR.contains(w) ? w.substring(0, w.length() - 1) : w.substring(0, w.length() - 2);
        }
        return w.substring(0, w.length() - 1); // dogs, giraffes, vases, canoes, skateboards
    }
}

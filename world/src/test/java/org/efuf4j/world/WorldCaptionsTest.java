package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.efuf4j.efuf.eval.CaptionChair;
import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.ChairReport;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.objects.SharedFiles;
import org.junit.jupiter.api.Test;

/** CHAIR, run unchanged on the world, sees in every caption exactly what the world put there. */
class WorldCaptionsTest {
    private static final World WORLD = World.generate(WorldConfig.defaults().withImages(1500, 0, 200));

    private static List<ObjectVocabulary> vocabularies() {
        return List.of(ObjectVocabulary.coco(), ObjectVocabulary.fromChairSynonyms(SharedFiles.chairSynonyms()));
    }

    @Test
    void referenceCaptionsHaveNoHallucination() {
        for (ObjectVocabulary vocabulary : vocabularies()) {
            for (Split split : List.of(Split.TRAIN, Split.EVAL)) {
                List<GeneratedCaption> captions = new ArrayList<>();
                for (WorldImage image : WORLD.images(split)) {
                    for (WorldCaption c : image.references()) {
                        captions.add(new GeneratedCaption(image.imageId(), c.text()));
                        assertTrue(c.absent().isEmpty());
                    }
                }
                ChairReport report = new Chair(new ObjectExtractor(vocabulary), WORLD.groundTruth(split))
                        .evaluate(captions);
                assertEquals(0.0, report.chairS(), vocabulary.source());
                assertEquals(0.0, report.chairI(), vocabulary.source());
                assertTrue(report.recall() > 0.85, "references name most present objects: " + report.recall());
            }
        }
    }

    /** Extraction finds each planned category once, in the planned order, and nothing else. */
    @Test
    void extractionFindsExactlyThePlannedMentions() {
        for (ObjectVocabulary vocabulary : vocabularies()) {
            ObjectExtractor extractor = new ObjectExtractor(vocabulary);
            for (WorldImage image : WORLD.images(Split.TRAIN)) {
                List<WorldCaption> all = new ArrayList<>(image.references());
                all.addAll(image.trainingCaptions());
                all.addAll(image.descriptions());
                for (WorldCaption c : all) {
                    List<String> found = new ArrayList<>();
                    for (Mention m : extractor.extract(c.text())) {
                        found.add(m.object());
                    }
                    assertEquals(c.objects(), found, vocabulary.source() + ": '" + c.text() + "'");
                }
            }
        }
    }

    /** CHAIR on the training captions flags exactly the injected absent mentions, at the configured rate. */
    @Test
    void trainingCaptionsHallucinateExactlyTheInjectedMentions() {
        Chair chair = new Chair(new ObjectExtractor(ObjectVocabulary.coco()), WORLD.groundTruth(Split.TRAIN));
        List<GeneratedCaption> captions = new ArrayList<>();
        int injected = 0;
        int injectable = 0;
        for (WorldImage image : WORLD.images(Split.TRAIN)) {
            Set<String> mates = new HashSet<>(Catalogue.scene(image.scene()).categories());
            mates.removeAll(image.categories());
            for (WorldCaption c : image.trainingCaptions()) {
                captions.add(new GeneratedCaption(image.imageId(), c.text()));
                CaptionChair verdict = chair.evaluate(image.imageId(), c.text());
                List<String> hallucinated = new ArrayList<>();
                for (Mention m : verdict.hallucinated()) {
                    hallucinated.add(m.object());
                }
                assertEquals(c.absent(), hallucinated, "'" + c.text() + "' in image " + image.id());
                assertTrue(c.absent().size() <= 1);
                for (String absent : c.absent()) {
                    assertTrue(mates.contains(absent), absent + " is an absent group-mate of scene " + image.scene());
                }
                injected += c.hallucinates() ? 1 : 0;
                injectable += mates.isEmpty() ? 0 : 1;
            }
        }
        ChairReport report = chair.evaluate(captions);
        assertEquals((double) injected / captions.size(), report.chairS(), 1e-12);
        assertEquals(injected, report.hallucinatedMentionCount());
        assertEquals(WORLD.hallucinatingCaptionRate(Split.TRAIN), report.chairS(), 1e-12);
        // the rate applies to captions whose scene has an absent category left to name
        double rate = WORLD.config().hallucinationRate();
        double sigma = Math.sqrt(rate * (1 - rate) / injectable);
        assertEquals(rate, (double) injected / injectable, 4 * sigma, "injected " + injected + " of " + injectable);
    }

    @Test
    void hallucinationRateIsControlled() {
        World clean = World.generate(WorldConfig.defaults().withImages(300, 0, 0).withHallucinationRate(0));
        assertEquals(0.0, clean.hallucinatingCaptionRate(Split.TRAIN));
        World noisy = World.generate(WorldConfig.defaults().withImages(300, 0, 0).withHallucinationRate(1));
        for (WorldImage image : noisy.images()) {
            boolean mateLeft = !new HashSet<>(image.categories()).containsAll(
                    Catalogue.scene(image.scene()).categories());
            for (WorldCaption c : image.trainingCaptions()) {
                assertEquals(mateLeft, c.hallucinates(), c.text());
            }
        }
    }

    /** Caption noise leaves out a present object its reference named, and nothing else changes in truth. */
    @Test
    void omissionsAreRecordedAndPresent() {
        int omitting = 0;
        int all = 0;
        for (WorldImage image : WORLD.images(Split.TRAIN)) {
            for (int i = 0; i < image.trainingCaptions().size(); i++) {
                WorldCaption t = image.trainingCaptions().get(i);
                WorldCaption r = image.references().get(i);
                all++;
                for (String o : t.omitted()) {
                    omitting++;
                    assertTrue(r.objects().contains(o) && !t.objects().contains(o), t + " vs " + r);
                }
                Set<String> expected = new TreeSet<>(r.objects());
                t.omitted().forEach(expected::remove);
                expected.addAll(t.absent());
                assertEquals(expected, new TreeSet<>(t.objects()));
            }
        }
        double rate = (double) omitting / all;
        assertTrue(Math.abs(rate - WORLD.config().captionNoise()) < 0.03, "omission rate " + rate);
    }

    /** Captions are multi-clause and varied: splitting and BLEU have something to work on. */
    @Test
    void captionsAreMultiClauseAndVaried() {
        Set<String> skeletons = new HashSet<>();
        int multiClause = 0;
        int all = 0;
        ObjectExtractor extractor = new ObjectExtractor(ObjectVocabulary.coco());
        for (WorldImage image : WORLD.images(Split.TRAIN)) {
            for (WorldCaption c : image.references()) {
                all++;
                String text = c.text();
                assertTrue(Character.isUpperCase(text.charAt(0)) && text.endsWith("."), text);
                assertFalse(text.contains("  ") || text.contains(" ,") || text.contains(".."), text);
                if (text.contains(",") || text.contains(";") || text.indexOf(". ") > 0) {
                    multiClause++;
                }
                StringBuilder skeleton = new StringBuilder(text);
                List<Mention> mentions = extractor.extract(text);
                for (int k = mentions.size() - 1; k >= 0; k--) {
                    skeleton.replace(mentions.get(k).start(), mentions.get(k).end(), "X");
                }
                skeletons.add(skeleton.toString().replaceAll("(on the|at the|in the) [a-z ]*?(corner|side|left|right|"
                        + "top|bottom|middle|center)", "P"));
            }
        }
        assertTrue(multiClause > 0.8 * all, "multi-clause captions: " + multiClause + " of " + all);
        assertTrue(skeletons.size() > 500, "distinct caption skeletons: " + skeletons.size());
    }

    /** Every word a caption uses for a category names that category in both vocabularies CHAIR may use. */
    @Test
    void categoryWordsResolveInBothVocabularies() {
        for (ObjectVocabulary vocabulary : vocabularies()) {
            ObjectExtractor extractor = new ObjectExtractor(vocabulary);
            for (WorldCategory c : Catalogue.CATEGORIES.values()) {
                List<String> terms = new ArrayList<>(c.synonyms());
                terms.add(c.name());
                for (String term : terms) {
                    for (String text : List.of("a " + term + " is here", "two " + WorldCategory.plural(term) + " lie")) {
                        List<Mention> found = extractor.extract(text);
                        assertEquals(1, found.size(), vocabulary.source() + ": " + text);
                        assertEquals(c.name(), found.getFirst().object(), vocabulary.source() + ": " + text);
                    }
                }
            }
        }
        assertEquals(18, Catalogue.category("dog").cocoId());
        assertEquals(72, Catalogue.category("tv").cocoId());
    }

}

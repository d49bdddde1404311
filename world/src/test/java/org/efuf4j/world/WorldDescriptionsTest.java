package org.efuf4j.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.efuf4j.efuf.dataset.SubsentenceSplitter;
import org.efuf4j.efuf.eval.Bleu;
import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.ChairReport;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.junit.jupiter.api.Test;

/**
 * The detailed descriptions carry the hallucination mechanism of the second world design: every present object,
 * largest first, then with probability p one or two absent group-mates just before the final ".", each object in a
 * clause of its own that EFUF's subsentence splitter cuts with its leading ", ".
 */
class WorldDescriptionsTest {
    private static final World WORLD = World.generate(WorldConfig.defaults().withImages(600, 0, 0));
    private static final ObjectExtractor EXTRACTOR = new ObjectExtractor(ObjectVocabulary.coco());

    /**
     * The scorer learns each category by its {@link WorldCategory#forms()}, and EFUF scores the words captions use: every
     * word a description, caption or reference names an object by is one of its category's forms ("TVs", "knives").
     */
    @Test
    void everyObjectWordOfTheTextsIsAFormOfItsCategory() {
        int checked = 0;
        java.util.Set<String> plural = new java.util.HashSet<>();
        for (WorldImage image : WORLD.images(Split.TRAIN)) {
            List<WorldCaption> texts = new ArrayList<>(image.descriptions());
            texts.addAll(image.trainingCaptions());
            texts.addAll(image.references());
            for (WorldCaption c : texts) {
                for (Mention m : EXTRACTOR.extract(c.text())) {
                    assertTrue(Catalogue.category(m.object()).forms().contains(m.surface()),
                            "'" + m.surface() + "' in \"" + c.text() + "\" is no form of " + m.object() + ": " + Catalogue.category(m.object()).forms());
                    if (!m.surface().equals(m.term())) plural.add(m.surface());
                    checked++;
                }
            }
        }
        assertTrue(checked > 5000, "mentions checked: " + checked);
        assertTrue(plural.contains("TV") && plural.contains("knives"), "the texts use other forms than the terms: " + plural);
    }

    @Test
    void everyPresentObjectLargestFirstThenAbsentGroupMatesLast() {
        for (WorldImage image : WORLD.images(Split.TRAIN)) {
            Map<String, Integer> area = new HashMap<>();
            for (WorldObject o : image.objects()) area.merge(o.category(), o.area(), Integer::sum);
            for (WorldCaption d : image.descriptions()) {
                assertTrue(d.text().endsWith(".") && d.text().indexOf('.') == d.text().length() - 1, d.text());
                int present = d.objects().size() - d.absent().size();
                assertEquals(image.categories(), new java.util.TreeSet<>(d.objects().subList(0, present)), d.text());
                for (int k = 1; k < present; k++) {
                    assertTrue(area.get(d.objects().get(k - 1)) >= area.get(d.objects().get(k)), d.text());
                }
                assertEquals(d.absent(), d.objects().subList(present, d.objects().size()), d.text());
                assertTrue(d.absent().size() <= 2, d.text());
                for (String a : d.absent()) {
                    assertTrue(Catalogue.scene(image.scene()).categories().contains(a), a + " is a group-mate: " + d.text());
                    assertTrue(!image.categories().contains(a), d.text());
                }
            }
        }
    }

    /** Each mention has a clause of its own; a hallucinated one's clause follows ", " and holds nothing else. */
    @Test
    void eachObjectIsAClauseOfItsOwnAfterASeparator() {
        int hallucinated = 0;
        for (WorldImage image : WORLD.images(Split.TRAIN)) {
            for (WorldCaption d : image.descriptions()) {
                List<Mention> mentions = EXTRACTOR.extract(d.text());
                assertEquals(d.objects(), mentions.stream().map(Mention::object).toList(), d.text());
                List<SubsentenceSplitter.Clause> clauses = SubsentenceSplitter.clauses(d.text());
                assertEquals(mentions.size() + 1, clauses.size(), "one clause per object and the empty one after '.': " + d.text());
                for (int k = 0; k < mentions.size(); k++) {
                    SubsentenceSplitter.Subsentence s = SubsentenceSplitter.forMention(d.text(), mentions.get(k));
                    assertEquals(clauses.get(k).text(), s.target());
                    if (k > 0) {
                        assertTrue(s.context().endsWith(","), d.text());
                        assertTrue(s.target().startsWith(" a") || s.target().startsWith(" two"), s.target());
                    }
                    if (d.absent().contains(mentions.get(k).object())) {
                        hallucinated++;
                        assertTrue(k > 0, "a description opens with a present object: " + d.text());
                    }
                }
            }
        }
        assertTrue(hallucinated > 100, "hallucinated clauses: " + hallucinated);
    }

    /** CHAIR sees what the generator planned: the realised rate is p, recall is complete. */
    @Test
    void chairOfTheDescriptionsIsTheConfiguredRate() {
        for (double p : new double[] {0.0, 0.3, 0.6}) {
            World world = World.generate(WorldConfig.defaults().withImages(400, 0, 0).withDescriptionHallucinationRate(p));
            List<GeneratedCaption> captions = new ArrayList<>();
            for (WorldImage image : world.images(Split.TRAIN)) {
                for (WorldCaption d : image.descriptions()) captions.add(new GeneratedCaption(image.imageId(), d.text()));
            }
            ChairReport r = new Chair(EXTRACTOR, world.groundTruth(Split.TRAIN)).evaluate(captions);
            double rate = world.hallucinatingDescriptionRate(Split.TRAIN);
            assertEquals(rate, r.chairS(), 1e-12);
            // 1200 descriptions: three standard deviations of a binomial share are under 0.045
            assertEquals(p, rate, 0.045, "p = " + p);
            assertEquals(1.0, r.recall(), 1e-12);
        }
    }

    /**
     * The paper measures BLEU of LLaVA's detailed descriptions against COCO's short captions: the descriptions are the
     * longer, the brevity penalty is 1, and cutting a hallucinated clause raises BLEU-1 (its precision). Descriptions that
     * place every object outrun the world's references the same way; descriptions that place half of them (the first
     * design) are shorter than the references once hallucinated clauses go, so cutting them left BLEU-1 flat and every
     * clause EFUF removed cost BLEU whether it was hallucinated or not.
     */
    @Test
    void cuttingHallucinatedClausesRaisesBleuOnlyWhereDescriptionsPlaceEveryObject() {
        double[] detailed = bleuBeforeAndAfterCutting(WORLD);
        assertEquals(1.0, detailed[1], 0.0, "brevity penalty of the hallucinating descriptions");
        assertEquals(1.0, detailed[3], 0.0, "brevity penalty once their hallucinated clauses are cut");
        assertTrue(detailed[2] - detailed[0] > 0.08, "BLEU-1 " + detailed[0] + " -> " + detailed[2]);
        double[] half = bleuBeforeAndAfterCutting(World.generate(WorldConfig.defaults().withImages(600, 0, 0).withDescriptionPositionRate(0.5)));
        assertTrue(half[3] < 0.93, "half-placed descriptions fall short of the references once cut: brevity penalty " + half[3]);
        assertTrue(Math.abs(half[2] - half[0]) < 0.02, "BLEU-1 " + half[0] + " -> " + half[2]);
    }

    /** Corpus BLEU-1 and brevity penalty of the hallucinating descriptions, then of the same with their absent clauses cut. */
    private static double[] bleuBeforeAndAfterCutting(World world) {
        List<String> hallucinating = new ArrayList<>();
        List<String> cut = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        for (WorldImage image : world.images(Split.TRAIN)) {
            WorldCaption d = image.descriptions().getFirst();
            if (d.absent().isEmpty()) continue;
            List<Mention> mentions = EXTRACTOR.extract(d.text());
            int firstAbsent = d.objects().size() - d.absent().size();
            // the absent clauses close the description: cut from the separator before the first of them
            String kept = d.text().substring(0, SubsentenceSplitter.forMention(d.text(), mentions.get(firstAbsent), true).context().length());
            hallucinating.add(d.text());
            cut.add(kept + ".");
            references.add(image.references().stream().map(WorldCaption::text).toList());
        }
        assertTrue(hallucinating.size() > 100, "hallucinating descriptions: " + hallucinating.size());
        Bleu.Score before = Bleu.corpus(hallucinating, references, 1);
        Bleu.Score after = Bleu.corpus(cut, references, 1);
        return new double[] {before.bleu(), before.brevityPenalty(), after.bleu(), after.brevityPenalty()};
    }
}

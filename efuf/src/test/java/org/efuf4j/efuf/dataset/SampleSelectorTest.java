package org.efuf4j.efuf.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.efuf4j.efuf.dataset.SampleSelector.Options;
import org.efuf4j.efuf.dataset.SampleSelector.Selection;
import org.efuf4j.efuf.dataset.ScoredCaption.ScoredMention;
import org.efuf4j.efuf.dataset.UnlearningSample.Kind;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleSelectorTest {
    private static final ObjectExtractor EXTRACTOR = new ObjectExtractor(ObjectVocabulary.coco());

    @TempDir
    Path dir;

    /** Scores the caption's mentions in order with the given values. */
    private static ScoredCaption scored(String image, String caption, double... scores) {
        List<Mention> mentions = EXTRACTOR.extract(caption);
        assertEquals(scores.length, mentions.size(), "mentions in '" + caption + "'");
        List<ScoredMention> scoredMentions = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            scoredMentions.add(new ScoredMention(mentions.get(i), scores[i]));
        }
        return new ScoredCaption(image, caption, scoredMentions);
    }

    private static List<ScoredCaption> captions() {
        return List.of(
                scored("1", "A dog runs, a cat sleeps; a kite flies.", 35, 20, 28), // mean 27.67, min 20
                scored("2", "A bus. A car?", Double.NaN, 33),
                scored("3", "Nothing here."),
                scored("4", "A cup and a fork.", 30, 29),                           // mean 29.5, min 29
                scored("5", "A zebra. A giraffe runs.", 21, 22));                   // mean 21.5
    }

    @Test
    void paperRulesFormPositivesNegativesAndSentences() {
        Selection s = new SampleSelector(ThresholdSet.PAPER, Options.PAPER).select(captions());
        assertEquals(List.of(
                new UnlearningSample(Kind.POSITIVE, "1", "dog", 35, "", "A dog runs"),
                new UnlearningSample(Kind.POSITIVE, "2", "car", 33, "A bus.", " A car")), s.positives());
        assertEquals(List.of(
                new UnlearningSample(Kind.NEGATIVE, "1", "cat", 20, "A dog runs,", " a cat sleeps"),
                new UnlearningSample(Kind.NEGATIVE, "5", "zebra", 21, "", "A zebra"),
                new UnlearningSample(Kind.NEGATIVE, "5", "giraffe", 22, "A zebra.", " A giraffe runs")), s.negatives());
        // Ds: caption 1 (27.67 > 27.5) and 4; caption 2 has a NaN score and cannot be judged
        assertEquals(List.of("1", "4"), s.sentences().stream().map(UnlearningSample::image).toList());
        UnlearningSample sentence = s.sentences().get(1);
        assertEquals("A cup and a fork.", sentence.target());
        assertEquals("", sentence.context());
        assertNull(sentence.object());
        assertEquals(29.5, sentence.score(), 1e-12);
        assertEquals(1, s.nanScores());
        assertEquals(1, s.captionsWithoutObjects());
    }

    @Test
    void implementationVariantAlsoNeedsEveryObjectAboveT1ForSentences() {
        Selection s = new SampleSelector(ThresholdSet.PAPER, Options.IMPLEMENTATION).select(captions());
        assertEquals(List.of("4"), s.sentences().stream().map(UnlearningSample::image).toList());
    }

    @Test
    void vanillaVariantUsesWholeSentencesScoredByTheirMean() {
        Selection s = new SampleSelector(ThresholdSet.PAPER, Options.VANILLA).select(captions());
        // caption 1 is one sentence with mean 27.67: neither; caption 2's second sentence scores 33
        assertEquals(List.of(new UnlearningSample(Kind.POSITIVE, "2", "car", 33, "A bus.", " A car?")), s.positives());
        assertEquals(List.of(
                new UnlearningSample(Kind.NEGATIVE, "5", "zebra", 21, "", "A zebra."),
                new UnlearningSample(Kind.NEGATIVE, "5", "giraffe", 22, "A zebra.", " A giraffe runs.")), s.negatives());
    }

    @Test
    void repeatedObjectsAreLeftOutOfPositivesAndSentencesOnlyWhenAsked() {
        // every mention is present (high scores); the second dog is a repeat, the low-scored cat a hallucination
        List<ScoredCaption> captions = List.of(
                scored("1", "A dog runs, a cat sleeps, a dog barks.", 35, 20, 34),
                scored("2", "A cup, a fork.", 33, 34));
        Selection kept = new SampleSelector(ThresholdSet.PAPER, Options.PAPER).select(captions);
        assertEquals(List.of("dog", "dog", "cup", "fork"), kept.positives().stream().map(UnlearningSample::object).toList());
        assertEquals(List.of("1", "2"), kept.sentences().stream().map(UnlearningSample::image).toList());
        assertEquals(0, kept.repeatsLeftOut());

        Selection left = new SampleSelector(ThresholdSet.PAPER, Options.PAPER.withRepeats(SampleSelector.Repeats.LEFT_OUT)).select(captions);
        assertEquals(List.of(
                new UnlearningSample(Kind.POSITIVE, "1", "dog", 35, "", "A dog runs"),
                new UnlearningSample(Kind.POSITIVE, "2", "cup", 33, "", "A cup"),
                new UnlearningSample(Kind.POSITIVE, "2", "fork", 34, "A cup,", " a fork")), left.positives());
        // a hallucination stays a negative wherever it falls; the caption that names the dog twice is no sentence
        assertEquals(kept.negatives(), left.negatives());
        assertEquals(List.of("2"), left.sentences().stream().map(UnlearningSample::image).toList());
        assertEquals(2, left.repeatsLeftOut());

        // unlearned: the second dog becomes a negative whatever its score; the caption is still no sentence
        Selection unlearned = new SampleSelector(ThresholdSet.PAPER, Options.PAPER.withRepeats(SampleSelector.Repeats.UNLEARNED)).select(captions);
        assertEquals(left.positives(), unlearned.positives());
        assertEquals(List.of(
                new UnlearningSample(Kind.NEGATIVE, "1", "cat", 20, "A dog runs,", " a cat sleeps"),
                new UnlearningSample(Kind.NEGATIVE, "1", "dog", 34, "A dog runs, a cat sleeps,", " a dog barks")), unlearned.negatives());
        assertEquals(left.sentences(), unlearned.sentences());
        assertEquals(1, unlearned.repeatsUnlearned());
        assertEquals(1, unlearned.repeatsLeftOut(), "the caption left out of Ds");
        assertEquals(0, left.repeatsUnlearned());

        // vanilla: the second sentence names the dog again
        List<ScoredCaption> sentences = List.of(scored("3", "A dog runs. A dog barks.", 35, 34));
        Options vanilla = Options.VANILLA.withRepeats(SampleSelector.Repeats.LEFT_OUT);
        assertEquals(List.of(new UnlearningSample(Kind.POSITIVE, "3", "dog", 35, "", "A dog runs.")),
                new SampleSelector(ThresholdSet.PAPER, vanilla).select(sentences).positives());
        assertEquals(2, new SampleSelector(ThresholdSet.PAPER, Options.VANILLA).select(sentences).positives().size());
    }

    @Test
    void aSentenceScoredByItsLowestObjectIsANegativeWhereItsMeanHidesTheHallucination() {
        // one sentence: a present dog (35) and a hallucinated cat (20); the mean 27.5 lies between T1 = 23 and T0 = 32
        List<ScoredCaption> captions = List.of(scored("1", "A dog runs, a cat sleeps.", 35, 20), scored("2", "A cup, a fork.", 33, 34));
        Selection mean = new SampleSelector(ThresholdSet.PAPER, Options.VANILLA).select(captions);
        assertEquals(List.of(), mean.negatives());
        assertEquals(List.of("2"), mean.positives().stream().map(UnlearningSample::image).toList());
        Selection lowest = new SampleSelector(ThresholdSet.PAPER, Options.VANILLA.withGranularity(SampleSelector.Granularity.SENTENCE_BY_LOWEST))
                .select(captions);
        assertEquals(List.of(new UnlearningSample(Kind.NEGATIVE, "1", "dog, cat", 20, "", "A dog runs, a cat sleeps.")), lowest.negatives());
        assertEquals(List.of(new UnlearningSample(Kind.POSITIVE, "2", "cup, fork", 33, "", "A cup, a fork.")), lowest.positives());
    }

    @Test
    void separatorInTargetOpensEachLaterClauseWithItsComma() {
        List<ScoredCaption> captions = List.of(scored("1", "A dog runs, a cat sleeps, a dog barks.", 35, 20, 34));
        Selection s = new SampleSelector(ThresholdSet.PAPER, Options.PAPER.withSeparatorInTarget(true)).select(captions);
        assertEquals(List.of(
                new UnlearningSample(Kind.POSITIVE, "1", "dog", 35, "", "A dog runs"),
                new UnlearningSample(Kind.POSITIVE, "1", "dog", 34, "A dog runs, a cat sleeps", ", a dog barks")), s.positives());
        assertEquals(List.of(new UnlearningSample(Kind.NEGATIVE, "1", "cat", 20, "A dog runs", ", a cat sleeps")), s.negatives());
        assertEquals(new SampleSelector(ThresholdSet.PAPER, Options.PAPER).select(captions).sentences(), s.sentences(), "whole captions are unchanged");
    }

    @Test
    void negativeEndsAtObjectCutsOnlyTheNegativesTargetsAfterTheirObject() {
        List<ScoredCaption> captions = List.of(scored("1", "A dog runs, a cat sleeps, a dog barks, a cat.", 35, 20, 34, 21));
        Options cut = Options.PAPER.withSeparatorInTarget(true).withNegativeEndsAtObject(true);
        Selection s = new SampleSelector(ThresholdSet.PAPER, cut).select(captions);
        Selection whole = new SampleSelector(ThresholdSet.PAPER, Options.PAPER.withSeparatorInTarget(true)).select(captions);
        assertEquals(List.of(
                new UnlearningSample(Kind.NEGATIVE, "1", "cat", 20, "A dog runs", ", a cat"),
                new UnlearningSample(Kind.NEGATIVE, "1", "cat", 21, "A dog runs, a cat sleeps, a dog barks", ", a cat")), s.negatives(),
                "the second clause ends with its object already: nothing to cut");
        assertEquals(whole.positives(), s.positives(), "positives keep their whole clause");
        assertEquals(whole.sentences(), s.sentences());
        Selection sentences = new SampleSelector(ThresholdSet.PAPER, Options.VANILLA.withNegativeEndsAtObject(true)).select(captions);
        assertEquals(new SampleSelector(ThresholdSet.PAPER, Options.VANILLA).select(captions), sentences, "whole-sentence samples are not clauses");
    }

    @Test
    void samplesRoundTripThroughJsonl() throws Exception {
        Selection s = new SampleSelector(ThresholdSet.PAPER, Options.PAPER).select(captions());
        Path file = dir.resolve("negatives.jsonl");
        DatasetFiles.append(file, s.negatives());
        assertEquals(s.negatives(), DatasetFiles.read(file));
        assertTrue(Files.readString(file).startsWith("{\"kind\":\"negative\",\"image\":\"1\",\"object\":\"cat\""),
                Files.readString(file));
        Path sentences = dir.resolve("sentences.jsonl");
        DatasetFiles.append(sentences, s.sentences());
        assertEquals(s.sentences(), DatasetFiles.read(sentences));
    }

    @Test
    void thresholdsMustBeOrdered() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ThresholdSet(23, 32, 27.5));
        assertTrue(e.getMessage().contains("T0 (positive threshold) must be greater than T1"), e.getMessage());
        assertTrue(e.getMessage().contains("T0=23.0, T1=32.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ThresholdSet(30, 30, 27.5));
        var nan = assertThrows(IllegalArgumentException.class, () -> new ThresholdSet(32, 23, Double.NaN));
        assertTrue(nan.getMessage().startsWith("T2"), nan.getMessage());
    }
}

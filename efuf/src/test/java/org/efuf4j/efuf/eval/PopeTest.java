package org.efuf4j.efuf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.efuf4j.efuf.eval.PopeSampler.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PopeTest {
    private static final List<String> CATEGORIES = List.of(
            "person", "dog", "cat", "car", "bus", "chair", "cup", "fork", "knife", "pizza", "bench", "kite");

    /** Popularity (images containing): person 4, car 3, dog 2, chair 2, cup 2, fork 1, knife 1, bus 1, pizza 1. */
    private static GroundTruth truth() {
        return GroundTruth.builder()
                .add("a", "person").add("a", "dog").add("a", "car")
                .add("b", "person").add("b", "car").add("b", "bus")
                .add("c", "person").add("c", "cup").add("c", "fork").add("c", "knife")
                .add("d", "person").add("d", "car").add("d", "chair").add("d", "cup").add("d", "pizza")
                .add("e", "dog").add("e", "chair") // only two objects: skipped
                .build();
    }

    @Test
    void eachUsableImageGetsThreePresentAndThreeAbsentObjects() {
        for (Strategy strategy : Strategy.values()) {
            PopeSampler.Result result = new PopeSampler(truth(), CATEGORIES).sample(strategy, 7);
            assertEquals(1, result.skippedImages(), strategy.name());
            assertEquals(4 * 6, result.questions().size(), strategy.name());
            for (PopeQuestion q : result.questions()) {
                Set<String> gt = truth().objects(q.imageId()).orElseThrow();
                assertEquals(gt.contains(q.object()), q.present(), q.toString());
                assertTrue(CATEGORIES.contains(q.object()));
            }
            assertEquals("Is there a dog in the image?", new PopeQuestion(1, "a", "dog", true).text());
        }
    }

    @Test
    void popularTakesTheMostFrequentAbsentCategories() {
        List<PopeQuestion> questions = new PopeSampler(truth(), CATEGORIES).sample(Strategy.POPULAR, 1).questions();
        // image a {person, dog, car}: most frequent absent are chair 2, cup 2 (by name), then bus 1
        assertEquals(List.of("chair", "cup", "bus"), absent(questions, "a"));
        // image c {person, cup, fork, knife}: car 3, then chair 2, dog 2
        assertEquals(List.of("car", "chair", "dog"), absent(questions, "c"));
    }

    @Test
    void adversarialTakesTheAbsentCategoriesThatCoOccurMost() {
        List<PopeQuestion> questions = new PopeSampler(truth(), CATEGORIES).sample(Strategy.ADVERSARIAL, 1).questions();
        // image b {person, car, bus}; co-occurrence summed over its objects:
        // dog: person-dog 1 (a) + car-dog 1 (a) + dog-e? no (e has no person/car) = 2
        // cup: person-cup 2 (c, d) + car-cup 1 (d) = 3; chair: person 1 (d) + car 1 (d) = 2 (+ e has no person/car)
        // pizza: person 1 + car 1 = 2; fork, knife: person 1 each = 1
        // -> cup 3, then chair/dog/pizza at 2 by name: chair, dog
        assertEquals(List.of("cup", "chair", "dog"), absent(questions, "b"));
    }

    @Test
    void randomSamplingIsFixedBySeed() {
        PopeSampler sampler = new PopeSampler(truth(), CATEGORIES);
        assertEquals(sampler.sample(Strategy.RANDOM, 3), sampler.sample(Strategy.RANDOM, 3));
        boolean differs = false;
        for (long seed = 4; seed < 10 && !differs; seed++) {
            differs = !sampler.sample(Strategy.RANDOM, 3).equals(sampler.sample(Strategy.RANDOM, seed));
        }
        assertTrue(differs, "different seeds should give different question sets");
    }

    @Test
    void questionFilesUsePopesLayoutAndReadBack(@TempDir Path dir)
            throws Exception {
        List<PopeQuestion> questions = new PopeSampler(truth(), CATEGORIES).sample(Strategy.POPULAR, 1).questions();
        Path file = dir.resolve("pope_popular.jsonl");
        PopeFiles.write(file, questions);
        assertEquals(questions, PopeFiles.read(file));
        String first = Files.readAllLines(file).getFirst();
        assertTrue(first.startsWith("{\"question_id\":1,\"image\":\"a\",\"text\":\"Is there a "), first);
        assertTrue(first.contains("\"label\":\"yes\""), first);
    }

    private static List<String> absent(List<PopeQuestion> questions, String image) {
        return questions.stream().filter(q -> q.imageId().equals(image) && !q.present()).map(PopeQuestion::object)
                .toList();
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Yes, there is a dog in the image.|true",
            "No, there is no dog.|false",
            "There is not a cat in the image|false",
            "no|false",
            "Yes. There is no other animal though.|true",
            "NO|true",
            "Nope|true",
            "I think not, since the image shows a kitchen|false",
            "There is a dog, not a cat.|false",
            "Not at all|true"})
    void parsesAnswersByPopesLiteralRule(String answer, boolean yes) {
        assertEquals(yes, PopeAnswers.saysYes(answer));
    }

    @Test
    void metricsTreatYesAsPositive() {
        List<PopeQuestion> questions = List.of(
                new PopeQuestion(1, "a", "dog", true), new PopeQuestion(2, "a", "cat", true),
                new PopeQuestion(3, "a", "car", true), new PopeQuestion(4, "a", "bus", false),
                new PopeQuestion(5, "a", "cup", false));
        // answers: yes, yes, no, yes, no -> TP 2, FN 1, FP 1, TN 1
        PopeMetrics m = PopeMetrics.ofAnswers(questions, List.of("Yes.", "Yes, it is", "No.", "Yes", "There is no cup"));
        assertEquals(2, m.truePositives());
        assertEquals(1, m.falsePositives());
        assertEquals(1, m.trueNegatives());
        assertEquals(1, m.falseNegatives());
        assertEquals(3.0 / 5, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.precision(), 1e-12);
        assertEquals(2.0 / 3, m.recall(), 1e-12);
        assertEquals(2.0 / 3, m.f1(), 1e-12);
        assertEquals(3.0 / 5, m.yesRatio(), 1e-12);
        assertFalse(m.f1() > 1);
        assertNotEquals(m.precision(), m.yesRatio());
    }
}

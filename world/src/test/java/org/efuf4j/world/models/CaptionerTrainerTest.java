package org.efuf4j.world.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.efuf4j.models.config.ClipVisionConfig;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.tokenizer.BpeTrainer;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.WorldImage;
import org.junit.jupiter.api.Test;

class CaptionerTrainerTest {
    @Test void sequencesMaskThePromptAndEndTheAnswerWithEos() {
        World world = World.generate(WorldConfig.defaults().withImages(12, 0, 0));
        BpeTrainer.Result bpe = WorldTokenizer.learn(world, 400);
        Tokenizer tokenizer = WorldTokenizer.forCaptioner(bpe).tokenizer();
        CaptionerTrainer.Options o = CaptionerTrainer.Options.tiny();
        ClipVisionConfig vision = new ClipVisionConfig(32, 128, 32, 1, 2, 3, 64, 16, "quick_gelu", 1e-5, 0, 0.02, 1);
        LlavaConfig config = CaptionerTrainer.config(o, vision, bpe.tokens().size() + 1);
        assertEquals(16, config.imageFeatureRows());
        WorldImage image = world.images().getFirst();
        String caption = image.trainingCaptions().getFirst().text();
        List<CaptionerTrainer.Example> examples = List.of(new CaptionerTrainer.Example(image, World.CAPTION_PROMPT, caption),
                new CaptionerTrainer.Example(image, "Is there a dog in the image?", "No"));
        CaptionerTrainer.SequenceBatch batch = CaptionerTrainer.SequenceBatch.of(config, tokenizer, examples);
        long[] prompt = CaptionPrompt.ids(config, tokenizer, World.CAPTION_PROMPT);
        int[] answer = tokenizer.encode(caption, false);
        int length = batch.ids().dim(1);
        assertEquals(prompt.length + answer.length + 1, length, "the longer row sets the length");
        int imageTokens = 0;
        for (long id : prompt) if (id == config.imageTokenIndex()) imageTokens++;
        assertEquals(16, imageTokens);
        for (int t = 0; t < length; t++) {
            long target = batch.targets().getLong(0, t);
            if (t < prompt.length - 1) assertEquals(-100, target, "prompt position " + t);
            else if (t < prompt.length - 1 + answer.length) assertEquals(answer[t - prompt.length + 1], target, "answer position " + t);
            else if (t == length - 2) assertEquals(2, target, "</s> follows the answer");
            else assertEquals(-100, target, "after the end " + t);
            assertEquals(1, batch.mask().getLong(0, t));
        }
        // the short row: its answer "No" then </s>, padding masked out and never a target
        int[] no = tokenizer.encode("No", false);
        int end = prompt.length + no.length + 1; // the question prompt is longer than the caption prompt
        long[] second = new long[length];
        for (int t = 0; t < length; t++) second[t] = batch.ids().getLong(1, t);
        long[] questionPrompt = CaptionPrompt.ids(config, tokenizer, "Is there a dog in the image?");
        end = questionPrompt.length + no.length + 1;
        long[] expectedTargets = new long[length];
        java.util.Arrays.fill(expectedTargets, -100);
        for (int k = 0; k < no.length; k++) expectedTargets[questionPrompt.length - 1 + k] = no[k];
        expectedTargets[end - 2] = 2;
        long[] actualTargets = new long[length];
        for (int t = 0; t < length; t++) actualTargets[t] = batch.targets().getLong(1, t);
        assertArrayEquals(expectedTargets, actualTargets);
        for (int t = 0; t < length; t++) assertEquals(t < end ? 1 : 0, batch.mask().getLong(1, t), "mask at " + t);
        assertEquals("No", tokenizer.decode(no));
    }

    /** Questions come as a "Yes" and a "No" about one image, drawn together, so every batch's answers split evenly. */
    @Test void questionsAreDrawnInYesNoPairsAboutOneImage() {
        World world = World.generate(WorldConfig.defaults().withImages(20, 0, 0));
        List<CaptionerTrainer.Example> pairs = CaptionerTrainer.questions(world.images());
        int expected = 0;
        for (WorldImage image : world.images()) {
            long yes = image.questions().stream().filter(q -> q.present()).count();
            expected += (int) Math.min(yes, image.questions().size() - yes);
        }
        assertEquals(expected, pairs.size());
        for (CaptionerTrainer.Example e : pairs) {
            assertEquals("Yes", e.answer());
            assertEquals("No", e.partner().answer());
            assertEquals(e.image(), e.partner().image());
        }
        var stream = new CaptionerTrainer.ExampleStream(List.of(CaptionerTrainer.Source.of(pairs, 1.0)), new java.util.Random(5));
        for (int batch = 0; batch < 30; batch++) {
            List<CaptionerTrainer.Example> drawn = stream.next(12);
            assertEquals(12, drawn.size());
            assertEquals(6, drawn.stream().filter(e -> e.answer().equals("Yes")).count(), "batch " + batch);
            for (int i = 0; i < drawn.size(); i += 2) assertEquals(drawn.get(i).partner(), drawn.get(i + 1), "a partner follows its question");
        }
        // an odd batch ends on a question whose partner does not fit
        assertEquals(7, stream.next(7).size());
    }

    /**
     * Same-question pairs: every object the world draws is asked "Yes" about images that hold it and "No" about images
     * of its own scene that lack it, equally often, so an object's name carries no prior; each image keeps one "No"
     * about an object the world never draws.
     */
    @Test void sameQuestionPairsAskEveryObjectYesAndNoEquallyOftenAboutImagesThatDiffer() {
        World world = World.generate(WorldConfig.defaults().withImages(60, 0, 0));
        List<WorldImage> images = world.images();
        List<CaptionerTrainer.Example> pairs = CaptionerTrainer.questions(images, CaptionerTrainer.QuestionPairs.SAME_QUESTION, new java.util.Random(3));
        java.util.Set<String> drawn = new java.util.TreeSet<>();
        int present = 0, outside = 0;
        for (WorldImage image : images) {
            drawn.addAll(image.categories());
            present += image.categories().size();
        }
        for (WorldImage image : images) for (var q : image.questions()) if (!q.present() && !drawn.contains(q.object())) outside++;
        assertEquals(present + outside, pairs.size(), "one pair per present object, and one per question about an object never drawn");
        java.util.Map<String, int[]> answers = new java.util.TreeMap<>();
        int sameScene = 0, crossImage = 0;
        for (CaptionerTrainer.Example e : pairs) {
            CaptionerTrainer.Example no = e.partner();
            assertEquals("Yes", e.answer());
            assertEquals("No", no.answer());
            String yesObject = object(e.prompt()), noObject = object(no.prompt());
            org.junit.jupiter.api.Assertions.assertTrue(e.image().categories().contains(yesObject), e.prompt() + " about " + e.image().imageId());
            org.junit.jupiter.api.Assertions.assertFalse(no.image().categories().contains(noObject), no.prompt() + " about " + no.image().imageId());
            if (!drawn.contains(noObject)) {
                assertEquals(e.image(), no.image(), "the question about an object never drawn stays with its image");
                continue;
            }
            assertEquals(yesObject, noObject, "the same question about another image");
            crossImage++;
            if (no.image().scene().equals(e.image().scene())) sameScene++;
            answers.computeIfAbsent(yesObject, k -> new int[2])[0]++;
            answers.get(yesObject)[1]++;
        }
        answers.forEach((object, n) -> assertEquals(n[0], n[1], object));
        assertEquals(present, crossImage);
        org.junit.jupiter.api.Assertions.assertTrue(sameScene > crossImage / 2, sameScene + " of " + crossImage + " negatives from the object's own scene");
        assertEquals(pairs, CaptionerTrainer.questions(images, CaptionerTrainer.QuestionPairs.SAME_QUESTION, new java.util.Random(3)), "deterministic");
        assertEquals(CaptionerTrainer.questions(images), CaptionerTrainer.questions(images, CaptionerTrainer.QuestionPairs.SAME_IMAGE, new java.util.Random(3)));
    }

    private static String object(String question) {
        String prefix = "Is there a ", suffix = " in the image?";
        org.junit.jupiter.api.Assertions.assertTrue(question.startsWith(prefix) && question.endsWith(suffix), question);
        return question.substring(prefix.length(), question.length() - suffix.length());
    }
}

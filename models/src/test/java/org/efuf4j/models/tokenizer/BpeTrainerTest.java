package org.efuf4j.models.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeTrainerTest {

    private static final String[] OBJECTS = {"dog", "cat", "table", "chair", "person", "bicycle", "car", "frisbee"};
    private static final String[] PLACES = {"on the grass", "in the kitchen", "next to the window", "near a bench"};
    private static final String[] SYLLABLES = {"ba", "ko", "ri", "tse", "lum", "an", "or", "qui", "zel", "mo", "pa", "ne"};
    private static List<String> corpus;

    @BeforeAll
    static void makeCorpus() {
        Random rng = new Random(7);
        corpus = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            corpus.add("There is a " + OBJECTS[rng.nextInt(OBJECTS.length)] + " and a "
                    + OBJECTS[rng.nextInt(OBJECTS.length)] + " " + PLACES[rng.nextInt(PLACES.length)] + ", called "
                    + name(rng) + " " + name(rng) + ".");
        }
    }

    /** Made-up names give the corpus enough distinct words to fill a few hundred merges. */
    private static String name(Random rng) {
        StringBuilder sb = new StringBuilder();
        for (int k = 1 + rng.nextInt(3); k > 0; k--) {
            sb.append(SYLLABLES[rng.nextInt(SYLLABLES.length)]);
        }
        return sb.toString();
    }

    @Test
    void savesReloadsAndRoundTrips() throws IOException {
        BpeTrainer.Result result = BpeTrainer.train(corpus, BpeTrainer.Options.of(400));
        assertEquals(400, result.tokens().size());
        Path dir = Files.createTempDirectory("trained-tok");
        try {
            result.save(dir);
            Tokenizer t = assertInstanceOf(LlamaBpeTokenizer.class, Tokenizers.load(dir));
            assertEquals(400, t.vocabSize());
            assertEquals(1, t.bosId());
            assertEquals(2, t.eosId());
            assertEquals(0, t.unkId());
            for (String line : corpus) {
                int[] ids = t.encode(line);
                assertEquals(1, ids[0]);
                assertEquals(line, t.decode(ids));
                assertArrayEquals(result.tokenizer().encode(line), ids);
            }
            // Frequent words become single pieces.
            assertArrayEquals(new int[]{t.tokenToId("\u2581There"), t.tokenToId("\u2581is")}, t.encode("There is", false));
            // Unseen characters fall back to bytes and still round trip.
            for (String unseen : List.of("Zebra \u00e9l\u00e8ve \u732b\ud83d\udc31!", "  two  spaces ", "\ttab\nnewline", "")) {
                assertEquals(unseen, t.decode(t.encode(unseen)), unseen);
            }
            assertTrue(t.encode("\u732b", false).length == 4, "U+732B is three UTF-8 bytes after the \u2581 piece");
        } finally {
            LlamaBpeTokenizerTest.deleteTree(dir);
        }
    }

    /** The first merge is the most frequent adjacent pair of the corpus' "▁"-words, counted naively here. */
    @Test
    void firstMergeIsTheMostFrequentPair() {
        Map<String, Integer> pairCounts = new HashMap<>();
        for (String line : corpus) {
            String s = "\u2581" + line.replace(" ", "\u2581");
            for (String word : s.split("(?=\u2581)")) {
                int[] cps = word.codePoints().toArray();
                for (int i = 1; i < cps.length; i++) {
                    pairCounts.merge(Character.toString(cps[i - 1]) + " " + Character.toString(cps[i]), 1, Integer::sum);
                }
            }
        }
        int best = pairCounts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        BpeTrainer.Result result = BpeTrainer.train(corpus, BpeTrainer.Options.of(350));
        BpeVocab.Pair first = result.merges().get(0);
        assertEquals(best, pairCounts.get(first.left() + " " + first.right()));
        assertEquals(350, result.tokens().size());
        int base = 3 + 256 + (int) corpus.stream().flatMapToInt(String::codePoints).filter(c -> c != ' ').distinct().count() + 1;
        assertTrue(result.merges().size() >= 350 - base, "merges: " + result.merges().size() + ", base " + base);
    }

    @Test
    void stopsAtMinimumFrequencyAndRejectsTooSmallVocabularies() {
        BpeTrainer.Result r = BpeTrainer.train(List.of("abc"), new BpeTrainer.Options(1000, 2, true,
                LlamaTokenizerJson.Style.METASPACE));
        assertEquals(0, r.merges().size());
        assertEquals(3 + 256 + 4, r.tokens().size());
        assertEquals("abc", r.tokenizer().decode(r.tokenizer().encode("abc")));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(corpus, BpeTrainer.Options.of(100)));
    }
}

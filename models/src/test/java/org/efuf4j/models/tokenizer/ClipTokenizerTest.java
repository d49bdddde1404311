package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipTokenizerTest {

    private static ClipTokenizer clip;

    @BeforeAll
    static void load() throws IOException {
        clip = ClipTokenizer.fromOpenAiMerges(TokenizerFixtures.shared("data/clip/bpe_simple_vocab_16e6.txt.gz"));
    }

    /** Ids published for the openai/clip-vit-* tokenizer (transformers docs, CLIP README examples). */
    @Test
    void documentedTokenizations() {
        assertArrayEquals(new int[]{49406, 320, 1125, 539, 320, 2368, 49407}, clip.encode("a photo of a cat"));
        assertArrayEquals(new int[]{49406, 320, 1125, 539, 320, 1929, 49407}, clip.encode("a photo of a dog"));
        assertArrayEquals(new int[]{49406, 320, 22697, 49407}, clip.encode("a diagram"));
        assertArrayEquals(new int[]{49406, 320, 1929, 49407}, clip.encode("a dog"));
    }

    /** The vocabulary layout of spec section 4, checked entry by entry where it is fixed. */
    @Test
    void vocabularyLayout() {
        assertEquals(49408, clip.vocabSize());
        assertEquals("!", clip.idToToken(0));
        assertEquals("a", clip.idToToken(64));
        assertEquals("a</w>", clip.idToToken(256 + 64));
        assertEquals("\u0100", clip.idToToken(188));
        assertEquals("\u0143</w>", clip.idToToken(511));
        assertEquals(49406, clip.tokenToId("<|startoftext|>"));
        assertEquals(49407, clip.tokenToId("<|endoftext|>"));
        assertEquals(49406, clip.bosId());
        assertEquals(49407, clip.eosId());
    }

    @Test
    void cleaningCaseAndWhitespaceDoNotChangeTheIds() {
        int[] expected = clip.encode("a photo of a cat");
        assertArrayEquals(expected, clip.encode("  A   Photo\tof\n a CAT  "));
        assertArrayEquals(clip.encode("cats & dogs"), clip.encode("cats &amp; dogs"));
        assertArrayEquals(clip.encode("cats & dogs"), clip.encode("cats &amp;amp; dogs"));
        assertArrayEquals(new int[]{49406, 49407}, clip.encode(""));
    }

    @Test
    void splitsContractionsDigitsAndPunctuation() {
        int[] ids = clip.encode("it's 42!", false);
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            tokens.add(clip.idToToken(id));
        }
        // "'s" is its own piece, each digit is its own piece, "!" stays apart from the digits.
        assertEquals(List.of("it</w>", "'s</w>", "4</w>", "2</w>", "!</w>"), tokens);
        assertEquals("it 's 4 2 !", clip.decode(ids));
    }

    @Test
    void specialTokensInTheTextAreKept() {
        assertArrayEquals(new int[]{49406, 49406, 320, 1929, 49407, 49407}, clip.encode("<|startoftext|>a dog<|endoftext|>"));
    }

    @Test
    void roundTripsUnicodeThroughBytes() {
        String text = "caf\u00e9 \u732b \ud83d\udc31 na\u00efve";
        assertEquals(text, clip.decode(clip.encode(text)));
    }

    @Test
    void contextOf77PadsAndTruncates() {
        int[] padded = clip.encodeFixed("a dog", true);
        assertEquals(77, padded.length);
        assertArrayEquals(new int[]{49406, 320, 1929, 49407}, Arrays.copyOf(padded, 4));
        for (int i = 4; i < 77; i++) {
            assertEquals(49407, padded[i]);
        }
        assertEquals(0, clip.encodeFixed("a dog", 77, true, 0)[10]);
        String longText = "a dog ".repeat(100);
        int[] cut = clip.encodeFixed(longText, true);
        assertEquals(77, cut.length);
        assertEquals(49406, cut[0]);
        assertEquals(49407, cut[76]);
        assertEquals(320, cut[75]); // "a" at odd positions, "dog" at even ones
        assertEquals(1929, cut[74]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clip.encodeFixed(longText, false));
        assertTrue(e.getMessage().contains("context length 77"), e.getMessage());
    }

    /** vocab.json + merges.txt as in Hugging Face checkpoints, and a tokenizer.json, give the same ids. */
    @Test
    void huggingFaceFilesGiveTheSameTokenizer() throws IOException {
        Path dir = Files.createTempDirectory("clip-tok");
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode vocab = json.createObjectNode();
            for (int id = 0; id < clip.vocabSize(); id++) {
                vocab.put(clip.idToToken(id), id);
            }
            json.writeValue(dir.resolve("vocab.json").toFile(), vocab);
            List<String> merges = new ArrayList<>();
            merges.add("#version: 0.2");
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                    Files.newInputStream(TokenizerFixtures.shared("data/clip/bpe_simple_vocab_16e6.txt.gz"))),
                    StandardCharsets.UTF_8))) {
                r.readLine();
                for (int i = 0; i < ClipTokenizer.CLIP_MERGES; i++) {
                    merges.add(r.readLine());
                }
            }
            Files.write(dir.resolve("merges.txt"), merges, StandardCharsets.UTF_8);
            Tokenizer hf = Tokenizers.load(dir);
            assertInstanceOf(ClipTokenizer.class, hf);
            for (String text : List.of("a photo of a cat", "There's 1 bicycle, 2 cars & a \u00fcber-long word!")) {
                assertArrayEquals(clip.encode(text), hf.encode(text), text);
            }

            ObjectNode root = json.createObjectNode();
            ObjectNode model = root.putObject("model").put("type", "BPE").put("end_of_word_suffix", "</w>");
            model.set("vocab", vocab);
            var mergeArray = model.putArray("merges");
            merges.subList(1, merges.size()).forEach(mergeArray::add);
            Tokenizer fromJson = Tokenizers.fromTokenizerJson(root, "clip tokenizer.json");
            assertInstanceOf(ClipTokenizer.class, fromJson);
            assertArrayEquals(clip.encode("a diagram"), fromJson.encode("a diagram"));
        } finally {
            LlamaBpeTokenizerTest.deleteTree(dir);
        }
    }
}

package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tokenizer.json path checked against SentencePiece: the LLaMA-2 model converted to tokenizer.json
 * (both normaliser variants) must give the library's encodings on the parity corpus.
 */
class LlamaBpeTokenizerTest {

    private static SentencePieceTokenizer sp;
    private static List<TokenizerFixtures.Case> corpus;
    private static LlamaBpeTokenizer legacy;
    private static LlamaBpeTokenizer metaspace;

    @BeforeAll
    static void setUp() throws IOException {
        sp = TokenizerFixtures.llama();
        corpus = TokenizerFixtures.llamaParity();
        legacy = convert(LlamaTokenizerJson.Style.LEGACY);
        metaspace = convert(LlamaTokenizerJson.Style.METASPACE);
    }

    private static LlamaBpeTokenizer convert(LlamaTokenizerJson.Style style) throws IOException {
        ObjectNode json = LlamaTokenizerJson.fromSentencePiece(sp.model(), style);
        // Through text and back, so the test covers reading a file as it is written.
        String text = LlamaTokenizerJson.JSON.writeValueAsString(json);
        Tokenizer t = Tokenizers.fromTokenizerJson(LlamaTokenizerJson.JSON.readTree(text), "converted " + style);
        return assertInstanceOf(LlamaBpeTokenizer.class, t);
    }

    private static boolean hasAddedToken(String text) {
        return text.contains("<s>") || text.contains("</s>") || text.contains("<unk>");
    }

    @Test
    void legacyNormaliserMatchesSentencePiece() {
        int checked = 0;
        for (TokenizerFixtures.Case c : corpus) {
            if (hasAddedToken(c.text())) {
                continue;
            }
            int[] ids = legacy.encode(c.text(), false);
            assertArrayEquals(c.ids(), ids, () -> "encode '" + c.text() + "'");
            assertEquals(c.decoded(), legacy.decode(ids), () -> "decode '" + c.text() + "'");
            checked++;
        }
        assertTrue(checked > 400);
    }

    /**
     * Metaspace with prepend_scheme "first" prepends "▁" only when the text does not already start with
     * one (a space); on all other lines it must agree with SentencePiece.
     */
    @Test
    void metaspacePreTokenizerMatchesSentencePiece() {
        int checked = 0;
        for (TokenizerFixtures.Case c : corpus) {
            if (hasAddedToken(c.text()) || c.text().startsWith(" ") || c.text().startsWith("\u2581")) {
                continue;
            }
            assertArrayEquals(c.ids(), metaspace.encode(c.text(), false), () -> "encode '" + c.text() + "'");
            assertEquals(c.decoded(), metaspace.decode(c.ids()), () -> "decode '" + c.text() + "'");
            checked++;
        }
        assertTrue(checked > 350);
        // A leading space is already a "▁", so Hugging Face adds no second one.
        assertArrayEquals(sp.encode("hello", false), metaspace.encode(" hello", false));
    }

    @Test
    void addedTokensAreMatchedFirstAndBosIsPrepended() {
        String prompt = "USER: <s>\nDescribe</s>";
        // Legacy: every text segment gets its own "▁" prefix, as the library does for a separate call.
        IntArrayList expected = new IntArrayList();
        expected.add(1);
        expected.addAll(IntArrayList.wrap(sp.encode("USER: ", false)));
        expected.add(1);
        expected.addAll(IntArrayList.wrap(sp.encode("\nDescribe", false)));
        expected.add(2);
        assertArrayEquals(expected.toIntArray(), legacy.encode(prompt));
        // Metaspace "first": only the segment at the start of the text gets the prefix.
        int[] ids = metaspace.encode(prompt);
        assertEquals(1, ids[0]);
        int[] first = sp.encode("USER: ", false);
        assertArrayEquals(first, Arrays.copyOfRange(ids, 1, 1 + first.length));
        assertEquals(1, ids[1 + first.length]);
        // "\nDescribe" without the dummy prefix, as inside the documented LLaVA prompt: 13 4002 29581.
        assertArrayEquals(new int[]{13, 4002, 29581, 2},
                Arrays.copyOfRange(ids, 2 + first.length, ids.length));
        assertEquals("USER: \nDescribe", metaspace.decode(ids));
        // The legacy normaliser's "▁" after an added token comes back as a space (a known Hugging Face quirk).
        assertEquals("<s> USER: <s> \nDescribe</s>", legacy.decode(legacy.encode(prompt), false));
        assertEquals(1, legacy.bosId());
        assertEquals(2, legacy.eosId());
        assertEquals(0, legacy.unkId());
        assertEquals(32000, legacy.vocabSize());
    }

    @Test
    void invalidByteRunsDecodeToOneReplacementPerByteToken() {
        // 0xE4 0xBD alone is a truncated three-byte character: Hugging Face's ByteFallback gives U+FFFD per token.
        assertEquals("\uFFFD\uFFFD hello", legacy.decode(new int[]{231, 192, 22172}));
        assertEquals("\u4f60", legacy.decode(new int[]{231, 192, 163}));
    }

    @Test
    void loadsFromADirectoryAndPrefersTokenizerJson() throws IOException {
        Path dir = Files.createTempDirectory("llama-tok");
        try {
            LlamaTokenizerJson.write(LlamaTokenizerJson.fromSentencePiece(sp.model(), LlamaTokenizerJson.Style.LEGACY),
                    dir.resolve("tokenizer.json"));
            Files.copy(TokenizerFixtures.llamaModel(), dir.resolve("tokenizer.model"));
            Tokenizer t = Tokenizers.load(dir);
            assertInstanceOf(LlamaBpeTokenizer.class, t);
            Files.delete(dir.resolve("tokenizer.json"));
            assertInstanceOf(SentencePieceTokenizer.class, Tokenizers.load(dir));
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(paths.get(i));
        }
    }
}

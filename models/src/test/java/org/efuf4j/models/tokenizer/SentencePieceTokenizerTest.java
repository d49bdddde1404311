package org.efuf4j.models.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentencePieceTokenizerTest {

    private static SentencePieceTokenizer llama;

    @BeforeAll
    static void load() throws IOException {
        llama = TokenizerFixtures.llama();
    }

    @Test
    void readsTheLlama2ModelProto() {
        SentencePieceModel m = llama.model();
        assertEquals(32000, m.pieces().size());
        assertEquals(SentencePieceModel.ModelType.BPE, m.trainer().modelType());
        assertTrue(m.trainer().byteFallback());
        assertTrue(m.normalizer().addDummyPrefix());
        assertFalse(m.normalizer().removeExtraWhitespaces());
        assertEquals(0, llama.unkId());
        assertEquals(1, llama.bosId());
        assertEquals(2, llama.eosId());
        assertEquals(-1, llama.padId());
        assertEquals("<0x0A>", llama.idToToken(13));
        assertEquals(29871, llama.tokenToId("\u2581"));
        assertEquals(-1, llama.tokenToId("no such piece"));
        assertEquals(SentencePieceModel.PieceType.BYTE, m.pieces().get(3).type());
        assertEquals(-1000000000f, m.pieces().get(259).score());
    }

    /** Every line of the corpus must encode and decode exactly as the SentencePiece library does. */
    @Test
    void matchesSentencePieceOnTheParityCorpus() throws IOException {
        List<TokenizerFixtures.Case> cases = TokenizerFixtures.llamaParity();
        assertTrue(cases.size() >= 400, "corpus too small: " + cases.size());
        assertParity(llama, cases);
    }

    /**
     * A small model trained by the library with remove_extra_whitespaces, user-defined pieces
     * ("&lt;image&gt;", "[OBJ]"), a control piece and byte fallback.
     */
    @Test
    void matchesSentencePieceOnASmallTrainedModel() throws IOException {
        SentencePieceTokenizer small = TokenizerFixtures.small("small");
        assertTrue(small.model().normalizer().removeExtraWhitespaces());
        assertEquals(SentencePieceModel.PieceType.USER_DEFINED, small.model().pieces().get(small.tokenToId("<image>")).type());
        assertEquals(SentencePieceModel.PieceType.CONTROL, small.model().pieces().get(small.tokenToId("<ctrl>")).type());
        List<TokenizerFixtures.Case> cases = TokenizerFixtures.parity("small-sp-parity.json");
        assertTrue(cases.size() >= 200, "corpus too small: " + cases.size());
        assertParity(small, cases);
    }

    /** The trainer's default nmt_nfkc normaliser: its precompiled charsmap must be applied as the library does. */
    @Test
    void appliesThePrecompiledCharsmapOfAnNfkcModel() throws IOException {
        SentencePieceTokenizer nfkc = TokenizerFixtures.small("small-nfkc");
        assertEquals("nmt_nfkc", nfkc.model().normalizer().name());
        assertTrue(nfkc.model().normalizer().precompiledCharsmap().length > 1000);
        // Full-width letters and the "fi" ligature fold to ASCII; the ideographic space is a space.
        assertEquals("\u2581ABC\u2581fine\u2581x", nfkc.normalize("\uff21\uff22\uff23 \ufb01ne\u3000x"));
        List<TokenizerFixtures.Case> cases = TokenizerFixtures.parity("small-nfkc-sp-parity.json");
        assertTrue(cases.size() >= 200, "corpus too small: " + cases.size());
        assertParity(nfkc, cases);
    }

    private static void assertParity(SentencePieceTokenizer tokenizer, List<TokenizerFixtures.Case> cases) {
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (TokenizerFixtures.Case c : cases) {
            int[] ids = tokenizer.encode(c.text(), false);
            String decoded = tokenizer.decode(c.ids());
            if (!Arrays.equals(c.ids(), ids) || !c.decoded().equals(decoded)) {
                if (failures++ < 10) {
                    report.append("\n").append(c.text()).append("\n expected ").append(Arrays.toString(c.ids()))
                            .append(" '").append(c.decoded()).append("'\n actual   ").append(Arrays.toString(ids))
                            .append(" '").append(decoded).append("'");
                }
            }
        }
        assertEquals(0, failures, failures + " of " + cases.size() + " lines differ:" + report);
    }

    @Test
    void documentedPromptAndBos() {
        int[] expected = {3148, 1001, 29901, 529, 3027, 29958, 13, 4002, 29581, 278, 1967, 29889, 319, 1799, 9047,
                13566, 29901};
        String prompt = "USER: <image>\nDescribe the image. ASSISTANT:";
        assertArrayEquals(expected, llama.encode(prompt, false));
        int[] withBos = llama.encode(prompt);
        assertEquals(1, withBos[0]);
        assertArrayEquals(expected, Arrays.copyOfRange(withBos, 1, withBos.length));
    }

    /** Decoding rules checked against the library by hand (see the fixture script for the encodings). */
    @Test
    void decodesControlUnknownAndBytePiecesLikeTheLibrary() {
        assertEquals("hello", llama.decode(new int[]{1, 1, 22172}));
        assertEquals("hello", llama.decode(new int[]{2, 22172}));
        assertEquals("\n hello", llama.decode(new int[]{13, 22172}));
        assertEquals(" \u2047  hello", llama.decode(new int[]{0, 22172}));
        assertEquals("  hello", llama.decode(new int[]{1, 259, 22172}));
        assertEquals("\uFFFD hello", llama.decode(new int[]{231, 22172}));
        assertEquals("<s> hello", llama.decode(new int[]{1, 22172}, false));
        assertThrows(IllegalArgumentException.class, () -> llama.decode(new int[]{32000}));
    }

    @Test
    void rejectsAFileThatIsNotAModel() throws IOException {
        Path bad = Files.createTempFile("not-a-model", ".model");
        try {
            Files.write(bad, new byte[]{0x0a, 0x7f, 0x01});
            IOException e = assertThrows(IOException.class, () -> SentencePieceTokenizer.load(bad));
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        } finally {
            Files.delete(bad);
        }
    }
}

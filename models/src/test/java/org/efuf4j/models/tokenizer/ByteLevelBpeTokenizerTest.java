package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A handmade GPT-2 style vocabulary: ids 0..255 are the byte symbols in byte order, then eight merges,
 * then "&lt;|endoftext|&gt;". Expected ids are worked out by hand from the merge ranks.
 */
class ByteLevelBpeTokenizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MERGES = List.of(
            "h e", "\u0120 t", "\u0120t he", "l o", "lo w", "e r", "\u0120 low", "\u0120low er");
    private static final int HE = 256, G_THE = 258, G_LOWER = 263, EOT = 264;

    private static ObjectNode vocab() {
        ObjectNode vocab = JSON.createObjectNode();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteUnicode.charOf(b)), b);
        }
        int id = 256;
        for (String m : MERGES) {
            vocab.put(m.replace(" ", ""), id++);
        }
        vocab.put("<|endoftext|>", id);
        return vocab;
    }

    private static Tokenizer gpt2(Path dir) throws IOException {
        JSON.writeValue(dir.resolve("vocab.json").toFile(), vocab());
        Files.write(dir.resolve("merges.txt"),
                java.util.stream.Stream.concat(java.util.stream.Stream.of("#version: 0.2"), MERGES.stream()).toList(),
                StandardCharsets.UTF_8);
        return Tokenizers.load(dir);
    }

    @Test
    void gpt2FilesEncodeByRankAndRoundTrip() throws IOException {
        Path dir = Files.createTempDirectory("gpt2-tok");
        try {
            Tokenizer t = assertInstanceOf(ByteLevelBpeTokenizer.class, gpt2(dir));
            // "the": only "h e" applies -> t, he.  " lower": lo, low, er, Ġlow, Ġlower.  " the": he, Ġt, Ġthe.
            assertArrayEquals(new int[]{'t', HE, G_LOWER, G_THE}, t.encode("the lower the"));
            // "h e" (rank 0) wins over "e r" (rank 5).
            assertArrayEquals(new int[]{'t', HE, 'r'}, t.encode("ther"));
            // Two spaces: the first stands alone, the second starts " b" (the \s+(?!\S) rule).
            assertArrayEquals(new int[]{'a', 32, 32, 'b'}, t.encode("a  b"));
            // UTF-8 bytes of "é" are C3 A9, both printable in the byte table.
            assertArrayEquals(new int[]{0xC3, 0xA9}, t.encode("\u00e9"));
            // Newline is byte 10 (written as Ċ); a digit run with its leading space is one piece.
            assertArrayEquals(new int[]{10, 32, '1', '2'}, t.encode("\n 12"));
            assertArrayEquals(new int[]{'a', EOT, 'b'}, t.encode("a<|endoftext|>b"));
            assertEquals(-1, t.bosId());
            assertEquals(EOT, t.eosId());
            for (String s : List.of("the lower the", "caf\u00e9 \ud83d\udc31\n\tx  y ", "It's 2024!", "")) {
                assertEquals(s, t.decode(t.encode(s)), s);
            }
            assertEquals("a<|endoftext|>b", t.decode(t.encode("a<|endoftext|>b"), false));
            assertEquals("ab", t.decode(t.encode("a<|endoftext|>b")));
        } finally {
            LlamaBpeTokenizerTest.deleteTree(dir);
        }
    }

    @Test
    void qwen2TokenizerJsonSplitsDigitsAndMatchesAddedTokens() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.set("vocab", vocab());
        ArrayNode merges = model.putArray("merges");
        MERGES.forEach(m -> merges.addArray().add(m.split(" ")[0]).add(m.split(" ")[1]));
        ArrayNode added = root.putArray("added_tokens");
        added.addObject().put("id", EOT).put("content", "<|endoftext|>").put("special", true);
        added.addObject().put("id", 265).put("content", "<|im_start|>").put("special", true);
        added.addObject().put("id", 266).put("content", "<|im_end|>").put("special", true);
        root.putObject("normalizer").put("type", "NFC");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode list = pre.putArray("pretokenizers");
        ObjectNode split = list.addObject().put("type", "Split").put("behavior", "Isolated").put("invert", false);
        split.putObject("pattern").put("Regex", ByteLevelBpeTokenizer.QWEN2_PATTERN);
        list.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", false);
        root.putObject("decoder").put("type", "ByteLevel");
        Tokenizer t = Tokenizers.fromTokenizerJson(root, "qwen-like");
        assertInstanceOf(ByteLevelBpeTokenizer.class, t);
        // "user" takes the "e r" merge (id 261).
        // Qwen splits digits one by one and keeps the space apart from them.
        assertArrayEquals(new int[]{32, '1', '2'}, t.encode(" 12"));
        assertArrayEquals(new int[]{265, 'u', 's', 261, 10, 'h', 'i', 266}, t.encode("<|im_start|>user\nhi<|im_end|>"));
        // NFC: "e" + combining acute becomes "é" (C3 A9).
        assertArrayEquals(new int[]{0xC3, 0xA9}, t.encode("e\u0301"));
        assertArrayEquals(new int[]{'t', HE, G_LOWER}, t.encode("the lower"));
        assertEquals("user\nhi", t.decode(t.encode("<|im_start|>user\nhi<|im_end|>")));
        assertEquals(267, t.vocabSize());
    }
}

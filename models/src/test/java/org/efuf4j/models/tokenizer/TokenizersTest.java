package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizersTest {

    @Test
    void directoryWithoutTokenizerFilesIsAClearError() throws IOException {
        Path dir = Files.createTempDirectory("no-tok");
        try {
            Files.writeString(dir.resolve("config.json"), "{}");
            IOException e = assertThrows(IOException.class, () -> Tokenizers.load(dir));
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
            assertTrue(e.getMessage().contains("[config.json]"), e.getMessage());
            assertThrows(IOException.class, () -> Tokenizers.load(dir.resolve("config.json")));
        } finally {
            LlamaBpeTokenizerTest.deleteTree(dir);
        }
    }

    @Test
    void clipMergesFileAloneLoadsClip() throws IOException {
        Path dir = Files.createTempDirectory("clip-gz");
        try {
            Files.copy(TokenizerFixtures.shared("data/clip/bpe_simple_vocab_16e6.txt.gz"),
                    dir.resolve("bpe_simple_vocab_16e6.txt.gz"));
            Tokenizer t = Tokenizers.load(dir);
            assertInstanceOf(ClipTokenizer.class, t);
            assertArrayEquals(new int[]{49406, 320, 1929, 49407}, t.encode("a dog"));
        } finally {
            LlamaBpeTokenizerTest.deleteTree(dir);
        }
    }

    @Test
    void unsupportedModelTypeAndBadMergesAreNamed() throws IOException {
        ObjectMapper json = new ObjectMapper();
        var unigram = json.readTree("{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.fromTokenizerJson(unigram, "x/tokenizer.json"));
        assertTrue(e.getMessage().contains("x/tokenizer.json") && e.getMessage().contains("Unigram"), e.getMessage());
        var badMerge = json.readTree("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b\"]}}");
        e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromTokenizerJson(badMerge, "y.json"));
        assertTrue(e.getMessage().contains("merge 0") && e.getMessage().contains("'ab'"), e.getMessage());
    }

    @Test
    void tokenizerConfigNamesTheSpecialTokens() throws IOException {
        Path dir = Files.createTempDirectory("cfg-tok");
        try {
            BpeTrainer.train(java.util.List.of("hello world", "hello there"), BpeTrainer.Options.of(280)).save(dir);
            Files.writeString(dir.resolve("tokenizer_config.json"),
                    "{\"bos_token\": {\"content\": \"<s>\"}, \"eos_token\": \"</s>\", \"pad_token\": \"<unk>\"}");
            Tokenizer t = Tokenizers.load(dir);
            assertEquals(1, t.bosId());
            assertEquals(2, t.eosId());
            assertEquals(0, t.padId());
            Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<none>\"}");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(dir));
            assertTrue(e.getMessage().contains("<none>"), e.getMessage());
        } finally {
            LlamaBpeTokenizerTest.deleteTree(dir);
        }
    }
}

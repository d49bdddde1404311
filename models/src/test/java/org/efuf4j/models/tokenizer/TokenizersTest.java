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

    /** A tokenizer.json cut off mid-write: the file, the line and "truncated", in our words, no parser class names. */
    @Test
    void truncatedOrMalformedTokenizerFilesNameFileLineAndProblem(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        BpeTrainer.Result bpe = BpeTrainer.train(java.util.List.of("a cat on a mat", "a dog on a log"), BpeTrainer.Options.of(300));
        bpe.save(dir);
        Path file = dir.resolve("tokenizer.json");
        String whole = Files.readString(file);
        long lines = whole.lines().count();
        Files.writeString(file, whole.substring(0, whole.length() / 2));
        String truncated = assertThrows(RuntimeException.class, () -> Tokenizers.load(dir)).getMessage();
        for (String part : new String[] {file.toString(), "line ", "truncated"})
            assertTrue(truncated.contains(part), "'" + part + "' in: " + truncated);
        for (String internal : new String[] {"JsonNode", "Jackson", "com.fasterxml", "JsonEOFException", "end-of-input"})
            assertTrue(!truncated.contains(internal), internal + " in: " + truncated);
        assertTrue(lines > 3, "the saved file spans lines, so the line number means something");

        Files.writeString(file, "{\"model\": {\"type\": \"BPE\",\n \"vocab\": {\"a\": 0, \"b\": 1},\n \"merges\": [\"a b\" \"b a\"]}}");
        String malformed = assertThrows(RuntimeException.class, () -> Tokenizers.load(dir)).getMessage();
        assertTrue(malformed.contains(file + ", line 3"), malformed);

        Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"zero\", \"b\": 1}, \"merges\": []}}");
        String badId = assertThrows(RuntimeException.class, () -> Tokenizers.load(dir)).getMessage();
        assertTrue(badId.contains(file.toString()) && badId.contains("model.vocab") && badId.contains("\"zero\""), badId);

        Files.writeString(file, whole);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\",");
        String config = assertThrows(RuntimeException.class, () -> Tokenizers.load(dir)).getMessage();
        assertTrue(config.contains(dir.resolve("tokenizer_config.json") + ", line 1") && config.contains("truncated"), config);
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

package org.efuf4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared data and committed fixtures for the tokenizer tests. */
final class TokenizerFixtures {

    record Case(String text, int[] ids, String decoded) {
    }

    private TokenizerFixtures() {
    }

    static Path shared(String relative) {
        String shared = System.getProperty("efuf4j.shared");
        assertNotNull(shared, "system property efuf4j.shared is not set");
        Path p = Path.of(shared).resolve(relative);
        assertTrue(Files.isRegularFile(p), "missing shared file " + p);
        return p;
    }

    static Path llamaModel() {
        return shared("data/llama2/tokenizer.model");
    }

    static SentencePieceTokenizer llama() throws IOException {
        return SentencePieceTokenizer.load(llamaModel());
    }

    /** The SentencePiece parity corpus written by scripts/fixtures/gen_sentencepiece_fixture.py. */
    static List<Case> llamaParity() throws IOException {
        return parity("llama2-sp-parity.json");
    }

    /** A small trained model of scripts/fixtures/gen_sentencepiece_small_fixture.py ("small", "small-nfkc"). */
    static SentencePieceTokenizer small(String name) throws IOException {
        String resource = name + "-bpe.model";
        try (InputStream in = TokenizerFixtures.class.getResourceAsStream("/tokenizer/" + resource)) {
            assertNotNull(in, "missing resource tokenizer/" + resource);
            return new SentencePieceTokenizer(SentencePieceModel.parse(in.readAllBytes(), resource), resource);
        }
    }

    static List<Case> parity(String resource) throws IOException {
        try (InputStream in = TokenizerFixtures.class.getResourceAsStream("/tokenizer/" + resource)) {
            assertNotNull(in, "missing resource tokenizer/" + resource);
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                int[] ids = new int[c.get("ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = c.get("ids").get(i).asInt();
                }
                cases.add(new Case(c.get("text").asText(), ids, c.get("decoded").asText()));
            }
            return cases;
        }
    }
}

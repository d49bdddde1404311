package org.efuf4j.models.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.tokenizer.BpeTrainer;
import org.efuf4j.models.tokenizer.LlamaTokenizerJson;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side files a Hugging Face user needs, checked against what transformers 4.45.1 reads: AutoTokenizer takes
 * {@code tokenizer_class} from tokenizer_config.json (without it, {@code model_type: clip} picks CLIPTokenizerFast),
 * special tokens by content, {@code model_max_length}, {@code added_tokens_decoder} by id; LlavaProcessor takes
 * {@code patch_size}, {@code vision_feature_select_strategy} and {@code image_token} from processor_config.json.
 */
class HfTokenizerFilesTest {
    @TempDir Path tmp;
    static final ObjectMapper JSON = new ObjectMapper();

    /** A LLaMA-style tokenizer.json learned from a few lines, with {@code extra} appended as special added tokens. */
    static int tokenizer(Path dir, String... extra) throws Exception {
        BpeTrainer.Result bpe = BpeTrainer.train(List.of("a dog on a mat", "a cat on a bed", "Describe the image."), BpeTrainer.Options.of(300));
        ObjectNode json = bpe.toTokenizerJson();
        int id = bpe.tokens().size();
        for (String t : extra)
            ((ArrayNode) json.get("added_tokens")).addObject().put("id", id++).put("content", t).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        Files.createDirectories(dir);
        LlamaTokenizerJson.write(json, dir.resolve("tokenizer.json"));
        return id;
    }

    @Test
    void llavaDirectoriesCarryTokenizerProcessorAndPrompt() throws Exception {
        Path dir = tmp.resolve("llava");
        int vocab = tokenizer(dir, "<image>");
        LlavaConfig config = (LlavaConfig) ModelConfigs.parse("""
                {"model_type": "llava", "image_token_index": %d, "pad_token_id": 0, "vision_feature_select_strategy": "default",
                 "vision_config": {"hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 2,
                   "image_size": 32, "patch_size": 8},
                 "text_config": {"model_type": "llama", "vocab_size": %d, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                   "num_attention_heads": 4, "max_position_embeddings": 96, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0}}"""
                .formatted(vocab - 1, vocab), "test");
        var prompt = new HfTokenizerFiles.ChatPrompt("USER: <image>\n{prompt} ASSISTANT:", "Describe the image.");
        HfTokenizerFiles.write(dir, config, prompt);

        JsonNode tc = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals("PreTrainedTokenizerFast", tc.get("tokenizer_class").asText());
        assertEquals("LlavaProcessor", tc.get("processor_class").asText());
        assertEquals(96, tc.get("model_max_length").asInt());
        Tokenizer tok = Tokenizers.load(dir);
        assertEquals("<s>", tc.get("bos_token").asText());
        assertEquals("</s>", tc.get("eos_token").asText());
        assertEquals("<unk>", tc.get("unk_token").asText());
        // config.json's pad_token_id is a token the tokenizer defines as its pad token
        assertEquals(tok.idToToken(config.padTokenId()), tc.get("pad_token").asText());
        assertEquals((int) config.padTokenId(), tok.padId(), "efuf4j reads the pad token back");
        JsonNode tj = JSON.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals(tj.get("added_tokens").size(), tc.get("added_tokens_decoder").size());
        for (JsonNode t : tj.get("added_tokens")) {
            JsonNode d = tc.get("added_tokens_decoder").get(t.get("id").asText());
            assertEquals(t.get("content").asText(), d.get("content").asText());
            assertTrue(d.get("special").asBoolean());
        }
        JsonNode map = JSON.readTree(dir.resolve("special_tokens_map.json").toFile());
        for (String k : List.of("bos_token", "eos_token", "unk_token", "pad_token")) assertEquals(tc.get(k).asText(), map.get(k).get("content").asText(), k);

        JsonNode pc = JSON.readTree(dir.resolve("processor_config.json").toFile());
        assertEquals("LlavaProcessor", pc.get("processor_class").asText());
        assertEquals(8, pc.get("patch_size").asInt());
        assertEquals("default", pc.get("vision_feature_select_strategy").asText());
        assertEquals("<image>", pc.get("image_token").asText());
        // transformers expands the one <image> to (32 / 8)^2 + 1 - 1 = 16 placeholders: the projector's rows
        assertEquals(config.imageFeatureRows(), (32 / 8) * (32 / 8) + 1 - 1);

        String jinja = tc.get("chat_template").asText();
        assertEquals(jinja, JSON.readTree(dir.resolve("chat_template.json").toFile()).get("chat_template").asText());
        assertTrue(jinja.contains("{{ 'USER: ' }}") && jinja.contains("{{ '<image>\\n' }}") && jinja.contains("{{ ' ASSISTANT:' }}"), jinja);
        assertEquals(prompt, HfTokenizerFiles.readPrompt(dir).orElseThrow());
        var ordinary = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("ordinary")));
        for (String f : List.of("tokenizer_config.json", "special_tokens_map.json", "processor_config.json", "chat_template.json"))
            assertEquals(ordinary, Files.getPosixFilePermissions(dir.resolve(f)), f);
    }

    /** The scorer: model_type clip, but a LLaMA-style tokenizer that AutoTokenizer must not hand to CLIPTokenizerFast. */
    @Test
    void clipScorersNameAFastTokenizerThatReadsTheirFile() throws Exception {
        Path dir = tmp.resolve("clip");
        int vocab = tokenizer(dir, "<|endoftext|>");
        ClipConfig config = (ClipConfig) ModelConfigs.parse("""
                {"model_type": "clip", "projection_dim": 16,
                 "text_config": {"vocab_size": %d, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 1, "num_attention_heads": 4,
                   "max_position_embeddings": 24, "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": %d},
                 "vision_config": {"hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 1, "num_attention_heads": 2,
                   "image_size": 32, "patch_size": 8}}""".formatted(vocab, vocab - 1), "test");
        HfTokenizerFiles.write(dir, config, null);
        JsonNode tc = JSON.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals("PreTrainedTokenizerFast", tc.get("tokenizer_class").asText());
        assertEquals("<|endoftext|>", tc.get("eos_token").asText());
        assertEquals("<unk>", tc.get("pad_token").asText());
        assertFalse(tc.has("chat_template") || tc.has("processor_class"));
        assertFalse(Files.exists(dir.resolve("processor_config.json")));
        assertTrue(HfTokenizerFiles.readPrompt(dir).isEmpty());
    }

    @Test
    void aPadIdOutsideTheVocabularyIsRefused() throws Exception {
        Path dir = tmp.resolve("bad");
        int vocab = tokenizer(dir);
        var config = ModelConfigs.parse("""
                {"model_type": "llama", "vocab_size": %d, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "pad_token_id": %d}""".formatted(vocab + 10, vocab + 5), "test");
        var e = assertThrows(IllegalArgumentException.class, () -> HfTokenizerFiles.write(dir, config, null));
        assertTrue(e.getMessage().contains("pad_token_id is " + (vocab + 5)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HfTokenizerFiles.ChatPrompt("{prompt} <image>", "x"));
    }
}

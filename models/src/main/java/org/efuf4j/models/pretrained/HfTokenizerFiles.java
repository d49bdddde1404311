package org.efuf4j.models.pretrained;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.efuf4j.models.config.ClipConfig;
import org.efuf4j.models.config.LlamaConfig;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.config.ModelConfig;
import org.efuf4j.models.tokenizer.Tokenizer;
import org.efuf4j.models.tokenizer.Tokenizers;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.tensor.io.JsonFiles;

/**
 * The files beside {@code tokenizer.json} that Hugging Face's {@code AutoTokenizer} and {@code AutoProcessor} read, as
 * transformers 4.45 saves them: {@code tokenizer_config.json} (tokenizer class, special tokens, pad token, model max
 * length, added tokens, chat template), {@code special_tokens_map.json}, and for LLaVA {@code processor_config.json}
 * (patch size, feature select strategy, image token) and {@code chat_template.json}.
 *
 * <p>The tokenizer class is {@code PreTrainedTokenizerFast}, which takes {@code tokenizer.json} as it is; without it,
 * AutoTokenizer picks the class from {@code model_type} and for {@code clip} chooses {@code CLIPTokenizerFast}, which
 * rejects a LLaMA-style tokenizer. The special tokens are the tokens at the config's ids, so {@code pad_token_id}
 * names a pad token the tokenizer defines.
 */
public final class HfTokenizerFiles {
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json", SPECIAL_TOKENS_MAP = "special_tokens_map.json",
            PROCESSOR_CONFIG = "processor_config.json", CHAT_TEMPLATE = "chat_template.json";
    /** efuf4j's keys in tokenizer_config.json (transformers keeps unknown keys): the prompt the model was trained on. */
    static final String PROMPT_TEMPLATE_KEY = "efuf4j_prompt_template", DEFAULT_PROMPT_KEY = "efuf4j_default_prompt";
    static final String IMAGE_TOKEN = "<image>", PROMPT_SLOT = "{prompt}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerFiles() {}

    /**
     * The conversation a model was trained on: {@code template} holds one {@code <image>} before {@code {prompt}}
     * (e.g. {@code "USER: <image>\n{prompt} ASSISTANT:"}), and {@code defaultPrompt} is the instruction it answers.
     */
    public record ChatPrompt(String template, String defaultPrompt) {
        public ChatPrompt {
            int image = template.indexOf(IMAGE_TOKEN), slot = template.indexOf(PROMPT_SLOT);
            if (image < 0 || slot < image || template.indexOf(IMAGE_TOKEN, image + 1) >= 0)
                throw new IllegalArgumentException("a chat template holds one " + IMAGE_TOKEN + " followed by " + PROMPT_SLOT + ", got: " + template);
            if (defaultPrompt == null || defaultPrompt.isBlank()) throw new IllegalArgumentException("the default prompt is empty");
        }

        /**
         * The template as a Jinja chat template over transformers' message format (a user turn of an image and a text,
         * then the answer): rendering {@code [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": P}]}]}
         * gives {@code template} with P in place.
         */
        public String jinja() {
            int image = template.indexOf(IMAGE_TOKEN), slot = template.indexOf(PROMPT_SLOT);
            String before = template.substring(0, image), between = template.substring(image + IMAGE_TOKEN.length(), slot),
                    after = template.substring(slot + PROMPT_SLOT.length());
            return "{% for message in messages %}{% if message['role'] == 'user' %}{{ " + literal(before) + " }}"
                    + "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ " + literal(IMAGE_TOKEN + between) + " }}{% endfor %}"
                    + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] }}{% endfor %}"
                    + "{{ " + literal(after) + " }}"
                    + "{% elif message['role'] == 'assistant' %}"
                    + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ ' ' + content['text'] + eos_token }}{% endfor %}"
                    + "{% endif %}{% endfor %}";
        }

        /** A Jinja string literal. */
        static String literal(String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
        }
    }

    /**
     * Writes the files for the tokenizer.json already in {@code dir} and the model's {@code config}; {@code prompt} is
     * the conversation a LLaVA was trained on (null for none).
     */
    public static void write(Path dir, ModelConfig config, ChatPrompt prompt) {
        Path tokenizerJson = dir.resolve("tokenizer.json");
        JsonNode tj = JsonFiles.read(tokenizerJson);
        Tokenizer tokenizer = Tokenizers.fromTokenizerJson(tj, tokenizerJson.toString());
        Special ids = Special.of(config);
        Map<String, String> special = new LinkedHashMap<>();
        put(special, "bos_token", ids.bos, tokenizer, "bos_token_id");
        put(special, "eos_token", ids.eos, tokenizer, "eos_token_id");
        JsonNode unk = tj.path("model").path("unk_token");
        if (unk.isTextual()) special.put("unk_token", unk.textValue());
        put(special, "pad_token", ids.pad, tokenizer, "pad_token_id");

        ObjectNode tc = JSON.createObjectNode();
        ObjectNode added = tc.putObject("added_tokens_decoder");
        for (JsonNode t : tj.path("added_tokens")) {
            ObjectNode a = added.putObject(String.valueOf(t.path("id").asInt()));
            a.put("content", t.path("content").asText());
            for (String flag : new String[] {"lstrip", "normalized", "rstrip", "single_word", "special"}) a.put(flag, t.path(flag).asBoolean(false));
        }
        special.forEach(tc::put);
        tc.put("clean_up_tokenization_spaces", false);
        tc.put("model_max_length", ids.maxLength);
        tc.put("tokenizer_class", "PreTrainedTokenizerFast");
        if (config instanceof LlavaConfig) tc.put("processor_class", "LlavaProcessor");
        if (prompt != null) {
            tc.put("chat_template", prompt.jinja());
            tc.put(PROMPT_TEMPLATE_KEY, prompt.template());
            tc.put(DEFAULT_PROMPT_KEY, prompt.defaultPrompt());
        }
        writeJson(dir.resolve(TOKENIZER_CONFIG), tc);

        ObjectNode map = JSON.createObjectNode();
        special.forEach((k, v) -> map.putObject(k).put("content", v).put("lstrip", false).put("normalized", false).put("rstrip", false)
                .put("single_word", false));
        writeJson(dir.resolve(SPECIAL_TOKENS_MAP), map);

        if (config instanceof LlavaConfig llava) {
            ObjectNode pc = JSON.createObjectNode();
            pc.put("image_token", tokenizer.idToToken(llava.imageTokenIndex()));
            pc.put("patch_size", llava.visionConfig().patchSize());
            pc.put("processor_class", "LlavaProcessor");
            pc.put("vision_feature_select_strategy", llava.visionFeatureSelectStrategy().jsonName());
            writeJson(dir.resolve(PROCESSOR_CONFIG), pc);
            if (prompt != null) writeJson(dir.resolve(CHAT_TEMPLATE), JSON.createObjectNode().put("chat_template", prompt.jinja()));
        }
    }

    /** The conversation recorded in {@code dir/tokenizer_config.json} by {@link #write}, if any. */
    public static Optional<ChatPrompt> readPrompt(Path dir) {
        Path file = dir.resolve(TOKENIZER_CONFIG);
        if (!Files.isRegularFile(file)) return Optional.empty();
        JsonNode tc = JsonFiles.read(file);
        JsonNode template = tc.get(PROMPT_TEMPLATE_KEY), prompt = tc.get(DEFAULT_PROMPT_KEY);
        if (template == null || !template.isTextual() || prompt == null || !prompt.isTextual()) return Optional.empty();
        try {
            return Optional.of(new ChatPrompt(template.textValue(), prompt.textValue()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static void put(Map<String, String> special, String name, Integer id, Tokenizer tokenizer, String configField) {
        if (id == null || id < 0) return;
        if (id >= tokenizer.vocabSize())
            throw new IllegalArgumentException("config.json's " + configField + " is " + id + ", but the tokenizer has " + tokenizer.vocabSize() + " tokens");
        special.put(name, tokenizer.idToToken(id));
    }

    private static void writeJson(Path file, JsonNode node) {
        AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, node));
    }

    /** The special ids and the text length of a model's config. */
    private record Special(Integer bos, Integer eos, Integer pad, int maxLength) {
        static Special of(ModelConfig config) {
            return switch (config) {
                case LlavaConfig l -> {
                    LlamaConfig t = l.textConfig();
                    yield new Special(t.bosTokenId(), t.eosTokenIds().isEmpty() ? null : t.eosTokenIds().getFirst(),
                            l.padTokenId() != null ? l.padTokenId() : t.padTokenId(), t.maxPositionEmbeddings());
                }
                case LlamaConfig t -> new Special(t.bosTokenId(), t.eosTokenIds().isEmpty() ? null : t.eosTokenIds().getFirst(), t.padTokenId(),
                        t.maxPositionEmbeddings());
                case ClipConfig c -> new Special(c.textConfig().bosTokenId(), c.textConfig().eosTokenId(), c.textConfig().padTokenId(),
                        c.textConfig().maxPositionEmbeddings());
                default -> throw new IllegalArgumentException("no tokenizer files for a " + config.architecture());
            };
        }
    }
}

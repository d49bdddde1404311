package org.efuf4j.models.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModelConfigsTest {
    private static final Path REFERENCE = Path.of(System.getProperty("efuf4j.shared", "../../shared"), "fixtures", "hf-reference");

    @TempDir Path tmp;

    private static ModelConfig full(String bundle) throws IOException {
        Path file = REFERENCE.resolve(bundle).resolve("config_full.json");
        return ModelConfigs.parse(Files.readString(file), file.toString());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ModelConfigsTest.class.getResourceAsStream("/config/" + name)) {
            assertNotNull(in, "test resource /config/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path dirWith(String json) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "model");
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    private ConfigException loadFails(String json) throws IOException {
        Path dir = dirWith(json);
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), "names the file: " + e.getMessage());
        return e;
    }

    // The minimal config.json (only non-default fields) plus our defaults must equal the config
    // transformers wrote out in full: this checks every default the fixtures leave out.
    @Test
    void clipDefaultsReproduceTheFullReferenceConfig() throws IOException {
        ClipConfig c = ModelConfigs.load(REFERENCE.resolve("clip"), ClipConfig.class);
        assertEquals(full("clip"), c);
        assertEquals(32, c.projectionDim());
        assertEquals(2.6592, c.logitScaleInitValue());
        ClipTextConfig t = c.textConfig();
        assertEquals(List.of(1000, 64, 128, 2, 4, 16, 16), List.of(t.vocabSize(), t.hiddenSize(), t.intermediateSize(),
                t.numHiddenLayers(), t.numAttentionHeads(), t.headDim(), t.maxPositionEmbeddings()));
        assertEquals("quick_gelu", t.hiddenAct());
        assertEquals(1e-5, t.layerNormEps());
        assertEquals(List.of(1, 998, 999), List.of(t.padTokenId(), t.bosTokenId(), t.eosTokenId()));
        ClipVisionConfig v = c.visionConfig();
        assertEquals(List.of(48, 96, 2, 4, 12, 32, 8, 4, 16, 17), List.of(v.hiddenSize(), v.intermediateSize(),
                v.numHiddenLayers(), v.numAttentionHeads(), v.headDim(), v.imageSize(), v.patchSize(), v.gridSize(),
                v.numPatches(), v.numPositions()));
        assertEquals("quick_gelu", v.hiddenAct());
    }

    @Test
    void llamaDefaultsReproduceTheFullReferenceConfig() throws IOException {
        LlamaConfig c = ModelConfigs.load(REFERENCE.resolve("llama"), LlamaConfig.class);
        assertEquals(full("llama"), c);
        assertEquals(List.of(1000, 64, 128, 2, 4, 2, 16, 2, 128), List.of(c.vocabSize(), c.hiddenSize(), c.intermediateSize(),
                c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.queriesPerKeyValueHead(),
                c.maxPositionEmbeddings()));
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertNull(c.ropeScaling());
        assertFalse(c.tieWordEmbeddings());
        assertFalse(c.qkvBias());
        assertFalse(c.outputProjectionBias());
        assertEquals(1, c.bosTokenId());
        assertEquals(List.of(2), c.eosTokenIds());
        assertEquals(0, c.padTokenId());
    }

    @Test
    void llavaDefaultsReproduceTheFullReferenceConfig() throws IOException {
        LlavaConfig c = ModelConfigs.load(REFERENCE.resolve("llava"), LlavaConfig.class);
        assertEquals(full("llava"), c);
        assertEquals(full("clip"), new ClipConfig(((ClipConfig) full("clip")).textConfig(), (ClipVisionConfig) c.visionConfig(),
                32, 2.6592, 1.0), "the llava vision tower is the clip bundle's vision config");
        assertEquals(full("llama"), c.textConfig());
        assertEquals(999, c.imageTokenIndex());
        assertEquals(16, c.imageSeqLength());
        assertEquals("gelu", c.projectorHiddenAct());
        assertEquals(-2, c.visionFeatureLayer());
        assertEquals(1, c.visionFeatureLayerIndex(), "hidden_states[-2] of a 2-layer tower = output of layer 1");
        assertEquals(FeatureSelectStrategy.DEFAULT, c.visionFeatureSelectStrategy());
        assertEquals(16, c.imageFeatureRows());
        assertEquals(c.imageSeqLength(), c.imageFeatureRows());
    }

    @Test
    void transformersDefaults() {
        ClipTextConfig t = ClipTextConfig.defaults();
        assertEquals(new ClipTextConfig(49408, 512, 2048, 512, 12, 8, 77, "quick_gelu", 1e-5, 0.0, 0.02, 1.0, 1, 49406, 49407), t);
        ClipVisionConfig v = ClipVisionConfig.defaults();
        assertEquals(new ClipVisionConfig(768, 3072, 512, 12, 12, 3, 224, 32, "quick_gelu", 1e-5, 0.0, 0.02, 1.0), v);
        assertEquals(50, v.numPositions());
        ClipConfig clip = (ClipConfig) ModelConfigs.parse("{\"model_type\": \"clip\"}", "clip.json");
        assertEquals(new ClipConfig(t, v, 512, 2.6592, 1.0), clip);

        LlamaConfig llama = LlamaConfig.llamaDefaults();
        assertEquals(List.of(32000, 4096, 11008, 32, 32, 32, 128, 2048), List.of(llama.vocabSize(), llama.hiddenSize(),
                llama.intermediateSize(), llama.numHiddenLayers(), llama.numAttentionHeads(), llama.numKeyValueHeads(),
                llama.headDim(), llama.maxPositionEmbeddings()));
        assertEquals(1e-6, llama.rmsNormEps());
        assertEquals(10000.0, llama.ropeTheta());
        assertEquals("silu", llama.hiddenAct());
        assertFalse(llama.tieWordEmbeddings());
        assertFalse(llama.attentionBias());
        assertEquals(1, llama.bosTokenId());
        assertEquals(List.of(2), llama.eosTokenIds());
        assertNull(llama.padTokenId());

        LlamaConfig qwen = LlamaConfig.qwen2Defaults();
        assertEquals(List.of(151936, 4096, 22016, 32, 32, 32, 128, 32768), List.of(qwen.vocabSize(), qwen.hiddenSize(),
                qwen.intermediateSize(), qwen.numHiddenLayers(), qwen.numAttentionHeads(), qwen.numKeyValueHeads(),
                qwen.headDim(), qwen.maxPositionEmbeddings()));
        assertEquals(10000.0, qwen.ropeTheta(), "Qwen2Config's class default; real checkpoints say 1e6");
        assertEquals(1e-6, qwen.rmsNormEps());
        assertFalse(qwen.tieWordEmbeddings());
        assertTrue(qwen.qkvBias());
        assertFalse(qwen.outputProjectionBias());
        assertNull(qwen.bosTokenId());

        SiglipVisionConfig s = SiglipVisionConfig.defaults();
        assertEquals(new SiglipVisionConfig(768, 3072, 12, 12, 3, 224, 16, "gelu_pytorch_tanh", 1e-6, 0.0, true), s);
        assertEquals(196, s.numPositions());

        LlavaConfig llava = (LlavaConfig) ModelConfigs.parse("{\"model_type\": \"llava\"}", "llava.json");
        assertEquals(llama, llava.textConfig());
        assertEquals(new ClipVisionConfig(1024, 4096, 768, 24, 16, 3, 336, 14, "quick_gelu", 1e-5, 0.0, 0.02, 1.0),
                llava.visionConfig());
        assertEquals(32000, llava.imageTokenIndex());
        assertEquals("gelu", llava.projectorHiddenAct());
        assertEquals(-2, llava.visionFeatureLayer());
        assertEquals(23, llava.visionFeatureLayerIndex());
        assertEquals(FeatureSelectStrategy.DEFAULT, llava.visionFeatureSelectStrategy());
        assertEquals(576, llava.imageSeqLength());
        assertEquals(576, llava.imageFeatureRows());
        // A nested config given without model_type is a CLIP tower / LLaMA decoder, as in transformers.
        LlavaConfig untyped = (LlavaConfig) ModelConfigs.parse(
                "{\"model_type\": \"llava\", \"vision_config\": {}, \"text_config\": {}}", "llava.json");
        assertEquals(ClipVisionConfig.defaults(), untyped.visionConfig());
        assertEquals(llama, untyped.textConfig());
    }

    @Test
    void llava15StyleNestedConfig() throws IOException {
        LlavaConfig c = (LlavaConfig) ModelConfigs.parse(resource("llava-1.5-7b-hf.json"), "llava-1.5-7b-hf.json");
        LlamaConfig t = c.textConfig();
        assertEquals(List.of(32064, 4096, 11008, 32, 32, 32, 4096), List.of(t.vocabSize(), t.hiddenSize(), t.intermediateSize(),
                t.numHiddenLayers(), t.numAttentionHeads(), t.numKeyValueHeads(), t.maxPositionEmbeddings()));
        assertEquals(1e-5, t.rmsNormEps());
        ClipVisionConfig v = (ClipVisionConfig) c.visionConfig();
        assertEquals(577, v.numPositions());
        assertEquals(64, v.headDim());
        assertEquals(576, c.imageFeatureRows());
        assertEquals(23, c.visionFeatureLayerIndex());
        assertEquals(32001, c.padTokenId());
    }

    @Test
    void llavaInterleaveQwenSiglipConfig() throws IOException {
        LlavaConfig c = (LlavaConfig) ModelConfigs.parse(resource("llava-interleave-qwen-0.5b.json"), "interleave.json");
        SiglipVisionConfig v = assertInstanceOf(SiglipVisionConfig.class, c.visionConfig());
        assertEquals(List.of(1152, 4304, 26, 16, 72, 384, 14, 27, 729, 729), List.of(v.hiddenSize(), v.intermediateSize(),
                v.numHiddenLayers(), v.numAttentionHeads(), v.headDim(), v.imageSize(), v.patchSize(), v.gridSize(),
                v.numPatches(), v.numPositions()));
        assertEquals("gelu_pytorch_tanh", v.hiddenAct());
        assertEquals(1e-6, v.layerNormEps());
        assertFalse(v.visionUseHead());
        LlamaConfig t = c.textConfig();
        assertTrue(t.isQwen2());
        assertEquals(List.of(152000, 1024, 2816, 24, 16, 16, 64), List.of(t.vocabSize(), t.hiddenSize(), t.intermediateSize(),
                t.numHiddenLayers(), t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim()));
        assertEquals(1e6, t.ropeTheta());
        assertTrue(t.tieWordEmbeddings());
        assertTrue(t.qkvBias());
        assertFalse(t.outputProjectionBias());
        assertEquals(151643, t.bosTokenId());
        assertEquals(List.of(151645), t.eosTokenIds());
        assertEquals(151646, c.imageTokenIndex());
        assertEquals(FeatureSelectStrategy.FULL, c.visionFeatureSelectStrategy());
        assertEquals(-1, c.visionFeatureLayer());
        assertEquals(26, c.visionFeatureLayerIndex());
        assertEquals(729, c.imageFeatureRows());
        assertEquals(c.imageSeqLength(), c.imageFeatureRows());
    }

    @Test
    void qwen2AndSiglipStandaloneConfigs() throws IOException {
        LlamaConfig q = (LlamaConfig) ModelConfigs.parse(resource("qwen2-0.5b.json"), "qwen2.json");
        assertEquals("qwen2", q.modelType());
        assertEquals(List.of(896, 14, 2, 64, 7), List.of(q.hiddenSize(), q.numAttentionHeads(), q.numKeyValueHeads(),
                q.headDim(), q.queriesPerKeyValueHead()));
        assertEquals(131072, q.slidingWindow());
        assertEquals(24, q.maxWindowLayers());
        assertEquals("Qwen2ForCausalLM", q.architecture());
        SiglipVisionConfig s = (SiglipVisionConfig) ModelConfigs.parse(resource("siglip-so400m-vision.json"), "siglip.json");
        assertEquals(27, s.numHiddenLayers());
        assertEquals(729, s.numPositions());
        assertFalse(s.hasClassToken());
        assertTrue(s.visionUseHead(), "absent vision_use_head means the pooling head exists");
        // Qwen2Config's signature default for num_key_value_heads is 32; only an explicit null means "= heads".
        LlamaConfig explicitNull = (LlamaConfig) ModelConfigs.parse(
                "{\"model_type\": \"qwen2\", \"num_attention_heads\": 8, \"hidden_size\": 64, \"num_key_value_heads\": null}", "q.json");
        assertEquals(8, explicitNull.numKeyValueHeads());
        LlamaConfig llamaAbsent = (LlamaConfig) ModelConfigs.parse(
                "{\"model_type\": \"llama\", \"num_attention_heads\": 8, \"hidden_size\": 64}", "l.json");
        assertEquals(8, llamaAbsent.numKeyValueHeads());
        assertEquals(8, llamaAbsent.headDim());
    }

    @Test
    void modelTypeFromArchitecturesAndLlamaExtras() {
        ModelConfig c = ModelConfigs.parse("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 64, "
                + "\"num_attention_heads\": 4, \"head_dim\": 32, \"attention_bias\": true, \"eos_token_id\": [128001, 128009], "
                + "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"original_max_position_embeddings\": 8192}}", "l3.json");
        LlamaConfig l = assertInstanceOf(LlamaConfig.class, c);
        assertEquals(32, l.headDim(), "an explicit head_dim wins over hidden / heads");
        assertTrue(l.qkvBias());
        assertTrue(l.outputProjectionBias());
        assertEquals(List.of(128001, 128009), l.eosTokenIds());
        assertEquals(Map.of("rope_type", "llama3", "factor", 8.0, "original_max_position_embeddings", 8192), l.ropeScaling());
        assertInstanceOf(ClipVisionConfig.class, ModelConfigs.parse("{\"architectures\": [\"CLIPVisionModel\"]}", "v.json"));
    }

    @Test
    void savedConfigsLoadBackEqual() throws IOException {
        List<ModelConfig> configs = List.of(
                ModelConfigs.load(REFERENCE.resolve("clip")),
                ModelConfigs.load(REFERENCE.resolve("llama")),
                ModelConfigs.load(REFERENCE.resolve("llava")),
                ModelConfigs.parse(resource("llava-interleave-qwen-0.5b.json"), "interleave.json"),
                ModelConfigs.parse(resource("qwen2-0.5b.json"), "qwen2.json"),
                ModelConfigs.parse(resource("siglip-so400m-vision.json"), "siglip.json"),
                ModelConfigs.parse("{\"model_type\": \"llama\", \"eos_token_id\": [5, 6], \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}}", "x"),
                ClipTextConfig.defaults());
        for (ModelConfig config : configs) {
            Path dir = tmp.resolve(config.modelType() + "-" + System.identityHashCode(config));
            Path file = ModelConfigs.save(config, dir);
            assertEquals(config, ModelConfigs.load(dir), "round trip of " + config.modelType());
            String json = Files.readString(file);
            assertTrue(json.contains("\"model_type\" : \"" + config.modelType() + "\""), json);
            assertTrue(json.contains("\"architectures\" : [ \"" + config.architecture() + "\" ]"), json);
            try (var files = Files.list(dir)) {
                assertEquals(List.of(file), files.toList(), "no temporary file left behind");
            }
        }
        // Saved configs are complete: a reader applying other defaults would still see the same values.
        String llavaJson = ModelConfigs.toJson(ModelConfigs.load(REFERENCE.resolve("llava")));
        for (String field : List.of("\"rms_norm_eps\"", "\"num_key_value_heads\"", "\"layer_norm_eps\"", "\"hidden_act\"",
                "\"image_seq_length\"", "\"vision_feature_select_strategy\" : \"default\"", "\"clip_vision_model\"")) {
            assertTrue(llavaJson.contains(field), field + " in " + llavaJson);
        }
    }

    @Test
    void unsupportedArchitectureNamesModelTypeAndArchitectures() throws IOException {
        ConfigException e = loadFails("{\"model_type\": \"llava_llama\", \"architectures\": [\"LlavaLlamaForCausalLM\"]}");
        assertTrue(e.getMessage().contains("llava_llama"), e.getMessage());
        assertTrue(e.getMessage().contains("LlavaLlamaForCausalLM"), e.getMessage());
        ConfigException noType = loadFails("{\"architectures\": [\"GPT2LMHeadModel\"]}");
        assertTrue(noType.getMessage().contains("GPT2LMHeadModel") && noType.getMessage().contains("model_type absent"), noType.getMessage());
        ConfigException wrongKind = assertThrows(ConfigException.class, () -> ModelConfigs.load(REFERENCE.resolve("llama"), ClipConfig.class));
        assertTrue(wrongKind.getMessage().contains("ClipConfig") && wrongKind.getMessage().contains("llama"), wrongKind.getMessage());
    }

    @Test
    void badFieldsNameTheFileFieldAndValue() throws IOException {
        assertMessage(loadFails("{\"model_type\": \"llama\", \"hidden_size\": \"64\"}"), "'hidden_size'", "an integer", "\"64\"");
        assertMessage(loadFails("{\"model_type\": \"llama\", \"hidden_size\": 64.5}"), "'hidden_size'", "64.5");
        assertMessage(loadFails("{\"model_type\": \"clip\", \"text_config\": {\"num_attention_heads\": 4.5}}"),
                "'text_config.num_attention_heads'", "4.5");
        assertMessage(loadFails("{\"model_type\": \"clip\", \"vision_config\": {\"hidden_size\": 50, \"num_attention_heads\": 4}}"),
                "'vision_config.hidden_size'", "(50)", "vision_config.num_attention_heads (4)");
        assertMessage(loadFails("{\"model_type\": \"llama\", \"num_attention_heads\": 6, \"hidden_size\": 48, \"num_key_value_heads\": 4}"),
                "'num_attention_heads'", "(6)", "(4)");
        assertMessage(loadFails("{\"model_type\": \"llama\", \"rms_norm_eps\": -1}"), "'rms_norm_eps'", "positive");
        assertMessage(loadFails("{\"model_type\": \"llama\", \"num_hidden_layers\": 0}"), "'num_hidden_layers'", "positive", "0");
        assertMessage(loadFails("{\"model_type\": \"llama\", \"tie_word_embeddings\": \"yes\"}"), "'tie_word_embeddings'", "true or false");
        assertMessage(loadFails("{\"model_type\": \"llama\", \"hidden_act\": null}"), "'hidden_act'", "null");
        assertMessage(loadFails("{\"model_type\": \"llava\", \"vision_feature_select_strategy\": \"cls\"}"),
                "'vision_feature_select_strategy'", "\"cls\"", "default", "full");
        assertMessage(loadFails("{\"model_type\": \"llava\", \"vision_feature_layer\": -30}"), "'vision_feature_layer'", "-30", "24 layers");
        assertMessage(loadFails("{\"model_type\": \"llava\", \"vision_config\": {\"model_type\": \"blip_vision_model\"}}"),
                "'vision_config.model_type'", "blip_vision_model");
        assertMessage(loadFails("{\"model_type\": \"llava\", \"text_config\": {\"model_type\": \"mistral\"}}"),
                "'text_config.model_type'", "mistral");
        assertMessage(loadFails("{\"model_type\": \"llava\", \"text_config\": [1]}"), "'text_config'", "an object");
        assertMessage(loadFails("{\"model_type\": \"llama\", \"eos_token_id\": [2, \"x\"]}"), "'eos_token_id'", "list of integers");
        assertMessage(loadFails("{\"model_type\": \"llama\""), "line 1, column 23", "ends early inside an object", "truncated");
        assertMessage(loadFails("{\"model_type\": \"llama\",\n \"hidden_size\": 64 \"vocab_size\": 8}"), "line 2", "not valid JSON",
                "to separate the entries of an object");
        assertMessage(loadFails("[1, 2]"), "JSON object");
        ConfigException missing = assertThrows(ConfigException.class, () -> ModelConfigs.load(tmp.resolve("nowhere")));
        assertMessage(missing, tmp.resolve("nowhere").resolve("config.json").toString(), "no such file");
    }

    private static void assertMessage(ConfigException e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
    }
}

package org.efuf4j.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.pretrained.PretrainedModels;

/**
 * Tiny Hugging Face checkpoints with random weights and real tokenizer files: a CLIPModel (32-px images, 8-px
 * patches) and a LLaVA (CLIP tower, 2-layer LLaMA, LLaMA-style tokenizer of byte fallback, "▁" and a-z).
 */
final class TinyCheckpoints {
    private TinyCheckpoints() {}

    /** GPT-2's byte-to-unicode table, which CLIP's vocab.json is written in. */
    static char byteChar(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return (char) b;
        int n = 0;
        for (int x = 0; x < b; x++) if (!((x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF))) n++;
        return (char) (256 + n);
    }

    static String json(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }

    static void clip(Path clipDir, long seed) throws Exception {
        // CLIP: byte symbols, byte symbols + </w>, a few merges, then the two specials (eot is the largest id).
        Files.createDirectories(clipDir);
        List<String> merges = List.of("a t</w>", "c at</w>", "d o", "do g</w>");
        StringBuilder vocab = new StringBuilder("{");
        int id = 0;
        for (int b = 0; b < 256; b++) vocab.append(json(String.valueOf(byteChar(b)))).append(':').append(id++).append(',');
        for (int b = 0; b < 256; b++) vocab.append(json(byteChar(b) + "</w>")).append(':').append(id++).append(',');
        for (String m : merges) vocab.append(json(m.replace(" ", ""))).append(':').append(id++).append(',');
        vocab.append(json("<|startoftext|>")).append(':').append(id++).append(',').append(json("<|endoftext|>")).append(':').append(id++).append('}');
        Files.writeString(clipDir.resolve("vocab.json"), vocab);
        Files.writeString(clipDir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n");
        int clipVocab = id;
        String clipConfig = """
                {"model_type": "clip", "projection_dim": 16, "logit_scale_init_value": 4.6052,
                 "text_config": {"vocab_size": %d, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                   "num_attention_heads": 4, "max_position_embeddings": 24, "bos_token_id": %d, "eos_token_id": 2, "pad_token_id": %d},
                 "vision_config": {"hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 2,
                   "image_size": 32, "patch_size": 8}}""".formatted(clipVocab, clipVocab - 2, clipVocab - 1);
        PretrainedModels.save(PretrainedModels.create(ModelConfigs.parse(clipConfig, "clip test config"), new Random(seed)), clipDir);

    }

    static void llava(Path llavaDir, long seed) throws Exception {
        // LLaVA: a LLaMA-style tokenizer.json (byte fallback, "▁" + lower-case letters) with <image>.
        Files.createDirectories(llavaDir);
        StringBuilder v = new StringBuilder("{\"<unk>\":0,\"<s>\":1,\"</s>\":2");
        int n = 3;
        for (int b = 0; b < 256; b++) v.append(',').append(json("<0x%02X>".formatted(b))).append(':').append(n++);
        v.append(',').append(json("▁")).append(':').append(n++);
        for (char c = 'a'; c <= 'z'; c++) v.append(',').append(json(String.valueOf(c))).append(':').append(n++);
        int imageId = n++;
        v.append('}');
        String tokenizer = """
                {"version": "1.0",
                 "added_tokens": [{"id": 0, "content": "<unk>", "special": true}, {"id": 1, "content": "<s>", "special": true},
                                  {"id": 2, "content": "</s>", "special": true}, {"id": %d, "content": "<image>", "special": true}],
                 "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
                 "pre_tokenizer": null,
                 "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}}], "pair": [],
                                    "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
                 "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                             {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
                 "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true, "vocab": %s, "merges": []}}
                """.formatted(imageId, v);
        Files.writeString(llavaDir.resolve("tokenizer.json"), tokenizer);
        String llavaConfig = """
                {"model_type": "llava", "image_token_index": %d, "image_seq_length": 16, "vision_feature_layer": -2,
                 "vision_feature_select_strategy": "default",
                 "vision_config": {"model_type": "clip_vision_model", "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
                   "num_attention_heads": 2, "image_size": 32, "patch_size": 8},
                 "text_config": {"model_type": "llama", "vocab_size": %d, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                   "num_attention_heads": 4, "num_key_value_heads": 2, "bos_token_id": 1, "eos_token_id": 2}}""".formatted(imageId, imageId + 1);
        PretrainedModels.save(PretrainedModels.create(ModelConfigs.parse(llavaConfig, "llava test config"), new Random(seed)), llavaDir);
    }
}

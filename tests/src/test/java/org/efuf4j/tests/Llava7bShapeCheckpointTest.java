package org.efuf4j.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.efuf4j.models.bench.SyntheticCheckpoint;
import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.models.config.ModelConfigs;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.GenerationResult;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.pretrained.PretrainedModels;
import org.efuf4j.tensor.DType;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.HostStorage;
import org.efuf4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LLaVA-1.5-7B-shaped checkpoint (llava-hf names; ViT-L/14-336 tower and a 4096/11008/32-head, vocab 32064 decoder;
 * 2 vision and 2 decoder layers to keep it near 1.3 GB) written as BF16 shards: it loads without copying weights onto
 * the heap, every parameter stays a view of its mapped shard, and it decodes.
 */
class Llava7bShapeCheckpointTest {
    @TempDir Path tmp;

    static final String CONFIG = """
            {"model_type": "llava", "architectures": ["LlavaForConditionalGeneration"], "image_token_index": 32000, "pad_token_id": 32001,
             "image_seq_length": 576, "projector_hidden_act": "gelu", "vision_feature_layer": -2, "vision_feature_select_strategy": "default",
             "vision_config": {"model_type": "clip_vision_model", "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 2,
               "num_attention_heads": 16, "image_size": 336, "patch_size": 14, "projection_dim": 768, "hidden_act": "quick_gelu"},
             "text_config": {"model_type": "llama", "vocab_size": 32064, "hidden_size": 4096, "intermediate_size": 11008,
               "num_hidden_layers": 2, "num_attention_heads": 32, "num_key_value_heads": 32, "rms_norm_eps": 1e-5,
               "max_position_embeddings": 4096, "pad_token_id": 32001}}""";

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void loadsMappedAndDecodes() throws Exception {
        LlavaConfig config = (LlavaConfig) ModelConfigs.parse(CONFIG, "llava-7b-shape");
        long bytes = SyntheticCheckpoint.write(config, tmp, 500L << 20, 7);
        assertTrue(bytes > 1_200_000_000L, "checkpoint of " + bytes + " bytes");
        assertTrue(Files.isRegularFile(tmp.resolve("model.safetensors.index.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("model-00003-of-00003.safetensors")));

        long before = usedHeap();
        LlavaForConditionalGeneration llava = PretrainedModels.load(tmp, null, Device.CPU, LlavaForConditionalGeneration.class);
        long grown = usedHeap() - before;
        // The placeholders and module objects take a few MB; copying even one embedding matrix would add 262 MB.
        assertTrue(grown < 64L << 20, "heap grew by " + grown + " bytes while loading a " + bytes + "-byte checkpoint");
        for (var e : llava.namedParameters().entrySet()) {
            Tensor v = e.getValue().value();
            assertEquals(DType.BF16, v.dtype(), e.getKey());
            assertTrue(((HostStorage) v.storage()).segment().isMapped(), e.getKey() + " is not a view of the mapped shard");
        }
        assertArrayEquals(new int[] {32064, 4096}, llava.languageModel.lmHead.weight.shape());
        assertArrayEquals(new int[] {1024, 3, 14, 14}, llava.visionTower.visionModel instanceof org.efuf4j.models.clip.ClipVisionTransformer c
                ? c.embeddings.patchEmbedding.weight.shape() : null);

        // Text-only decoding on the mapped BF16 weights (the image path costs ~0.3 TFLOP at this size: not for a unit test).
        Tensor prompt = Tensor.ofLongs(new long[] {1, 3148, 1001, 29901, 319}, 1, 5);
        GenerationConfig greedy = GenerationConfig.greedy(3, Set.of());
        GenerationResult cached = Generator.generate(llava, prompt, null, greedy);
        GenerationResult uncached = Generator.generate(llava, prompt, null, greedy.withCache(false));
        assertArrayEquals(uncached.sequences().get(0), cached.sequences().get(0));
        for (float[] step : cached.stepLogits().get(0)) {
            assertEquals(32064, step.length);
            for (float x : step) assertTrue(Float.isFinite(x));
        }
    }
}

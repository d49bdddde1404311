package org.efuf4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.efuf4j.autograd.nn.ClipEncoderLayer;
import org.efuf4j.autograd.nn.LlamaDecoderLayer;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.autograd.nn.ModuleList;
import org.efuf4j.autograd.nn.StateDictException;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.tensor.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleTest {
    static final class Encoder extends Module {
        final ModuleList<ClipEncoderLayer> layers;

        Encoder(Random r) {
            layers = register("layers", new ModuleList<>());
            layers.add(new ClipEncoderLayer(4, 2, 8, UnaryOp.QUICK_GELU, 1e-5f, r));
            layers.add(new ClipEncoderLayer(4, 2, 8, UnaryOp.QUICK_GELU, 1e-5f, r));
        }
    }

    static final class Model extends Module {
        Model(Random r) { register("encoder", new Encoder(r)); }
    }

    @Test
    void namesAreHuggingFaceKeys() {
        List<String> keys = List.copyOf(new Model(new Random(1)).namedParameters().keySet());
        assertEquals("encoder.layers.0.self_attn.q_proj.weight", keys.get(0));
        assertTrue(keys.contains("encoder.layers.1.self_attn.out_proj.bias"));
        assertTrue(keys.contains("encoder.layers.1.layer_norm2.weight"));
        assertTrue(keys.contains("encoder.layers.0.mlp.fc1.weight"));
        assertEquals(2 * 16, keys.size());
        List<String> llama = List.copyOf(new LlamaDecoderLayer(8, 4, 2, 16, 10000f, 1e-6f, new Random(2)).namedParameters().keySet());
        assertEquals(List.of("self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight", "self_attn.o_proj.weight",
                "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight", "input_layernorm.weight", "post_attention_layernorm.weight"), llama);
    }

    @Test
    void strictLoadReportsEveryProblemTogether() {
        Model m = new Model(new Random(3));
        Map<String, Tensor> sd = new LinkedHashMap<>(m.stateDict());
        sd.remove("encoder.layers.0.mlp.fc1.bias");
        sd.remove("encoder.layers.1.layer_norm1.weight");
        sd.put("encoder.layers.2.mlp.fc1.bias", Tensor.zeros(org.efuf4j.tensor.DType.F32, 8));
        sd.put("encoder.layers.0.mlp.fc2.weight", Tensor.zeros(org.efuf4j.tensor.DType.F32, 3, 3));
        StateDictException e = assertThrows(StateDictException.class, () -> m.loadStateDict(sd, true, "ckpt.safetensors"));
        assertEquals(List.of("encoder.layers.0.mlp.fc1.bias", "encoder.layers.1.layer_norm1.weight"), e.missing());
        assertEquals(List.of("encoder.layers.2.mlp.fc1.bias"), e.unexpected());
        assertEquals(1, e.misShaped().size());
        assertTrue(e.getMessage().contains("ckpt.safetensors") && e.getMessage().contains("expected [4, 8], got [3, 3]"), e.getMessage());
    }

    @Test
    void saveAndLoadRoundTripThroughSafetensors(@TempDir Path dir) {
        Model a = new Model(new Random(4)), b = new Model(new Random(5));
        Path file = dir.resolve("model.safetensors");
        a.save(file);
        b.load(file, true);
        a.stateDict().forEach((k, t) -> assertArrayEquals(t.toFloatArray(), b.stateDict().get(k).toFloatArray(), k));
    }

    @Test
    void trainEvalAndFreezeAreRecursive() {
        Model m = new Model(new Random(6));
        m.eval();
        assertEquals(false, ((Encoder) m.children().get("encoder")).layers.get(1).mlp.isTraining());
        m.freeze();
        assertEquals(0, m.trainableParameters().size());
        m.unfreeze();
        assertEquals(32, m.trainableParameters().size());
    }
}

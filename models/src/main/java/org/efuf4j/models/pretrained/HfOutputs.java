package org.efuf4j.models.pretrained;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.efuf4j.autograd.NoGrad;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.clip.ClipModel;
import org.efuf4j.models.clip.ClipOutput;
import org.efuf4j.models.clip.ClipTextOutput;
import org.efuf4j.models.generate.GenerationConfig;
import org.efuf4j.models.generate.GenerationResult;
import org.efuf4j.models.generate.Generator;
import org.efuf4j.models.llama.DecoderOutput;
import org.efuf4j.models.llama.LlamaForCausalLM;
import org.efuf4j.models.llava.ImageTokens;
import org.efuf4j.models.llava.LlavaForConditionalGeneration;
import org.efuf4j.models.llava.LlavaOutput;
import org.efuf4j.models.vision.VisionOutput;
import org.efuf4j.models.vision.VisionTowerModel;
import org.efuf4j.tensor.Tensor;

/**
 * A forward pass (or greedy generation) from named inputs ({@code input_ids}, {@code attention_mask},
 * {@code pixel_values}) to the names Hugging Face's outputs flatten to with {@code output_hidden_states=True}:
 * {@code logits}, {@code hidden_states.N}, {@code image_hidden_states}, {@code text_embeds}, {@code logits_per_text},
 * {@code text_model_output.*}, {@code vision_model_output.*}, ... All host F32 (ids I64).
 */
public final class HfOutputs {
    private HfOutputs() {}

    public static Map<String, Tensor> forward(Module model, Map<String, Tensor> inputs) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NoGrad scope = NoGrad.enter()) {
            switch (model) {
                case ClipModel clip -> {
                    ClipOutput o = clip.forward(need(inputs, "input_ids"), inputs.get("attention_mask"), need(inputs, "pixel_values"));
                    put(out, "logits_per_image", o.logitsPerImage());
                    put(out, "logits_per_text", o.logitsPerText());
                    put(out, "text_embeds", o.textEmbeds());
                    put(out, "image_embeds", o.imageEmbeds());
                    text(out, "text_model_output.", o.textModelOutput());
                    vision(out, "vision_model_output.", o.visionModelOutput());
                }
                case VisionTowerModel tower -> vision(out, "", tower.forward(need(inputs, "pixel_values")));
                case LlamaForCausalLM lm -> {
                    DecoderOutput o = lm.forward(need(inputs, "input_ids"), inputs.get("attention_mask"));
                    put(out, "logits", o.logits());
                    hidden(out, "hidden_states.", o.hiddenStates());
                }
                case LlavaForConditionalGeneration llava -> {
                    ImageTokens.Expanded in = expanded(llava, inputs);
                    LlavaOutput o = llava.forward(in.ids(), in.attentionMask(), inputs.get("pixel_values"));
                    put(out, "logits", o.logits());
                    hidden(out, "hidden_states.", o.hiddenStates());
                    if (o.imageHiddenStates() != null) put(out, "image_hidden_states", o.imageHiddenStates());
                }
                default -> throw new IllegalArgumentException("no forward outputs for " + model.getClass().getSimpleName());
            }
        }
        return out;
    }

    /**
     * Greedy generation of {@code newTokens} tokens with stopping disabled (as the reference records): {@code sequences}
     * {@code [B, T + n]} I64 and {@code step_logits [B, n, V]}. An {@code attention_mask} input marks left padding.
     */
    public static Map<String, Tensor> generate(Module model, Map<String, Tensor> inputs, int newTokens) {
        GenerationConfig config = GenerationConfig.greedy(newTokens, Set.of());
        GenerationResult r = switch (model) {
            case LlamaForCausalLM lm -> Generator.generate(lm, need(inputs, "input_ids"), inputs.get("attention_mask"), config);
            case LlavaForConditionalGeneration llava -> {
                ImageTokens.Expanded in = expanded(llava, inputs);
                yield Generator.generate(llava, in.ids(), in.attentionMask(), inputs.get("pixel_values"), config);
            }
            default -> throw new IllegalArgumentException("--generate needs a causal LM (llama, qwen2, llava), not " + model.getClass().getSimpleName());
        };
        // As transformers' generate: the prompt as given (one <image> stays one), then the new tokens.
        Tensor prompt = need(inputs, "input_ids").toHost();
        int batch = r.sequences().size(), promptLength = prompt.dim(1), length = promptLength + newTokens;
        int vocab = r.stepLogits().get(0).get(0).length;
        long[] seq = new long[batch * length];
        float[] logits = new float[batch * newTokens * vocab];
        for (int b = 0; b < batch; b++) {
            long[] generated = r.sequences().get(b);
            for (int t = 0; t < promptLength; t++) seq[b * length + t] = prompt.getLong(b, t);
            System.arraycopy(generated, generated.length - newTokens, seq, b * length + promptLength, newTokens);
            for (int s = 0; s < newTokens; s++) System.arraycopy(r.stepLogits().get(b).get(s), 0, logits, (b * newTokens + s) * vocab, vocab);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("sequences", Tensor.ofLongs(seq, batch, length));
        out.put("step_logits", Tensor.of(logits, batch, newTokens, vocab));
        return out;
    }

    /** One {@code <image>} per image in the ids widens to the feature rows, as transformers 4.45 does. */
    private static ImageTokens.Expanded expanded(LlavaForConditionalGeneration llava, Map<String, Tensor> inputs) {
        Tensor pixels = inputs.get("pixel_values");
        Tensor ids = need(inputs, "input_ids"), mask = inputs.get("attention_mask");
        return pixels == null ? new ImageTokens.Expanded(ids, mask) : ImageTokens.expand(llava.config(), ids, mask, pixels.dim(0));
    }

    private static Tensor need(Map<String, Tensor> inputs, String name) {
        Tensor t = inputs.get(name);
        if (t == null) throw new IllegalArgumentException("inputs lack '" + name + "' (have " + inputs.keySet() + ")");
        return t;
    }

    private static void put(Map<String, Tensor> out, String name, Variable v) { out.put(name, v.value().toHost().contiguous()); }

    private static void hidden(Map<String, Tensor> out, String prefix, List<Variable> states) {
        for (int i = 0; i < states.size(); i++) put(out, prefix + i, states.get(i));
    }

    private static void text(Map<String, Tensor> out, String prefix, ClipTextOutput o) {
        put(out, prefix + "last_hidden_state", o.lastHiddenState());
        put(out, prefix + "pooler_output", o.pooledOutput());
        hidden(out, prefix + "hidden_states.", o.hiddenStates());
    }

    private static void vision(Map<String, Tensor> out, String prefix, VisionOutput o) {
        put(out, prefix + "last_hidden_state", o.lastHiddenState());
        if (o.pooledOutput() != null) put(out, prefix + "pooler_output", o.pooledOutput());
        hidden(out, prefix + "hidden_states.", o.hiddenStates());
    }
}

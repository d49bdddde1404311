package org.efuf4j.models.clip;

import java.util.List;
import java.util.Random;

import org.efuf4j.autograd.Shaping;
import org.efuf4j.autograd.Variable;
import org.efuf4j.autograd.nn.LayerNorm;
import org.efuf4j.autograd.nn.Module;
import org.efuf4j.models.ModelInputs;
import org.efuf4j.models.config.ClipTextConfig;
import org.efuf4j.tensor.AttentionMask;
import org.efuf4j.tensor.Tensor;

/**
 * HF {@code CLIPTextTransformer} ({@code text_model.*}): causal encoder, optional key padding mask,
 * {@code final_layer_norm}, pooled at the end-of-text position.
 */
public final class ClipTextTransformer extends Module {
    public final ClipTextEmbeddings embeddings;
    public final ClipEncoder encoder;
    public final LayerNorm finalLayerNorm;
    private final ClipTextConfig config;

    public ClipTextTransformer(ClipTextConfig config, Random init) {
        this.config = config;
        embeddings = register("embeddings", new ClipTextEmbeddings(config.vocabSize(), config.maxPositionEmbeddings(), config.hiddenSize(), init));
        encoder = register("encoder", new ClipEncoder(config.numHiddenLayers(), config.hiddenSize(), config.numAttentionHeads(),
                config.intermediateSize(), config.hiddenAct(), config.layerNormEps(), init));
        finalLayerNorm = register("final_layer_norm", new LayerNorm(config.hiddenSize(), (float) config.layerNormEps()));
    }

    public ClipTextConfig config() { return config; }

    /**
     * @param ids           {@code [B, L]} token ids
     * @param attentionMask {@code [B, L]} 1 = token, 0 = padding (keys masked out), or null
     */
    public ClipTextOutput forward(Tensor ids, Tensor attentionMask) {
        var device = embeddings.tokenEmbedding.weight.value().device();
        ids = ModelInputs.ids(ids, "input_ids", device);
        Tensor mask = attentionMask == null ? null : attentionMask.to(device);
        List<Variable> states = encoder.forward(embeddings.forward(ids), AttentionMask.causal(mask, 0), config.numHiddenLayers());
        Variable last = finalLayerNorm.forward(states.get(states.size() - 1));
        return new ClipTextOutput(states, last, pool(last, endOfTextPositions(ids.toHost(), config.eosTokenId())));
    }

    /**
     * Where each row is pooled, as transformers 4.45: the first position holding {@code eos_token_id}, except that
     * configs with the legacy eos id 2 take the position of the largest id (49407 is the largest CLIP id).
     * A row without the eos id pools position 0, as torch's argmax of an all-zero row does.
     */
    static int[] endOfTextPositions(Tensor ids, int eosTokenId) {
        int batch = ids.dim(0), length = ids.dim(1);
        int[] at = new int[batch];
        for (int b = 0; b < batch; b++) {
            long best = Long.MIN_VALUE;
            for (int t = 0; t < length; t++) {
                long id = ids.getLong(b, t);
                if (eosTokenId == 2) {
                    if (id > best) { best = id; at[b] = t; }
                } else if (id == eosTokenId) { at[b] = t; break; }
            }
        }
        return at;
    }

    private static Variable pool(Variable last, int[] positions) {
        Variable[] rows = new Variable[positions.length];
        for (int b = 0; b < rows.length; b++) rows[b] = last.slice(0, b, b + 1).slice(1, positions[b], positions[b] + 1).reshape(1, last.dim(2));
        return Shaping.concat(0, rows);
    }
}

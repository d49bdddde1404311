package org.efuf4j.models.llava;

import org.efuf4j.models.config.LlavaConfig;
import org.efuf4j.tensor.Tensor;

/**
 * Placeholder ids for image features in LLaVA input ids. A prompt may carry one {@code <image>} per image, which is
 * expanded to one placeholder per projected feature row, as transformers does (its processor since 4.44, and
 * {@code LlavaForConditionalGeneration}'s legacy path for ids that hold fewer than {@code image_seq_length}), or
 * already hold every placeholder.
 */
public final class ImageTokens {
    private ImageTokens() {}

    /** Input ids and attention mask (null when none was given) after expansion. */
    public record Expanded(Tensor ids, Tensor attentionMask) {}

    /**
     * {@code ids [B, T]} as the model reads them: unchanged when they hold {@code images x rows} placeholders, else
     * every row's single {@code <image>} per image widened to {@code rows} placeholders (attended, as transformers sets
     * them). Any other count fails with both accepted forms.
     */
    public static Expanded expand(LlavaConfig config, Tensor ids, Tensor attentionMask, int images) {
        long imageId = config.imageTokenIndex();
        int rows = config.imageFeatureRows();
        Tensor hostIds = ids.toHost();
        int batch = ids.dim(0), length = ids.dim(1);
        int[] perRow = new int[batch];
        int total = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) if (hostIds.getLong(b, t) == imageId) perRow[b]++;
            total += perRow[b];
        }
        if (total == (long) images * rows) return new Expanded(ids, attentionMask);
        boolean oneEach = total == images && images > 0;
        for (int b = 0; b < batch && oneEach; b++) oneEach = perRow[b] == perRow[0];
        if (!oneEach)
            throw new IllegalArgumentException("input_ids hold " + total + " image tokens (id " + imageId + ", " + java.util.Arrays.toString(perRow)
                    + " per sequence) for " + images + " image(s); give either one <image> per image, the same number in every sequence"
                    + " (expanded to " + rows + " each, as transformers does), or all " + rows + " placeholders per image");
        int expandedLength = length + perRow[0] * (rows - 1);
        long[] outIds = new long[batch * expandedLength];
        long[] outMask = attentionMask == null ? null : new long[batch * expandedLength];
        Tensor hostMask = attentionMask == null ? null : attentionMask.toHost();
        for (int b = 0; b < batch; b++) {
            int j = b * expandedLength;
            for (int t = 0; t < length; t++) {
                long id = hostIds.getLong(b, t);
                int copies = id == imageId ? rows : 1;
                for (int c = 0; c < copies; c++, j++) {
                    outIds[j] = id;
                    if (outMask != null) outMask[j] = id == imageId ? 1 : hostMask.getLong(b, t);
                }
            }
        }
        return new Expanded(Tensor.ofLongs(outIds, batch, expandedLength),
                outMask == null ? null : Tensor.ofLongs(outMask, batch, expandedLength));
    }
}

package org.efuf4j.tensor;

/**
 * Which keys each query may see in scaled-dot-product attention.
 *
 * @param causal      query i sees key j only when {@code j <= i + queryOffset}
 * @param keyPadding  optional {@code [batch, keys]} tensor, non-zero = key is real, zero = padding (HF attention_mask)
 * @param queryOffset position of the first query among the keys (the KV-cache length before this step)
 */
public record AttentionMask(boolean causal, Tensor keyPadding, int queryOffset) {
    public static final AttentionMask NONE = new AttentionMask(false, null, 0);
    public static final AttentionMask CAUSAL = new AttentionMask(true, null, 0);

    public static AttentionMask causal(Tensor keyPadding, int queryOffset) { return new AttentionMask(true, keyPadding, queryOffset); }

    public static AttentionMask padding(Tensor keyPadding) { return new AttentionMask(false, keyPadding, 0); }
}

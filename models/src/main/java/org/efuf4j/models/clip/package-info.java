/**
 * CLIP as Hugging Face's {@code CLIPModel}: {@link org.efuf4j.models.clip.ClipModel} with the text tower
 * ({@link org.efuf4j.models.clip.ClipTextTransformer}: causal + padding mask, pooled at the end-of-text position) and the
 * vision tower ({@link org.efuf4j.models.clip.ClipVisionTransformer}: class token, patch conv as a matmul over patches,
 * {@code pre_layrnorm}, {@code post_layernorm} on the class token only). Field names equal state-dict keys.
 */
package org.efuf4j.models.clip;

/**
 * {@code LlavaForConditionalGeneration}: a CLIP or SigLIP vision tower, the two-layer projector, a LLaMA/Qwen2
 * decoder; image features from {@code hidden_states[vision_feature_layer]} ({@code default} drops the class token,
 * {@code full} keeps all rows) overwrite the image placeholders' embeddings in raster order.
 */
package org.efuf4j.models.llava;

/**
 * The base models of the embedded default, trained in Java on the synthetic world: a small CLIP in the
 * Hugging Face {@code CLIPModel} layout ({@link org.efuf4j.world.models.WorldClipTrainer}, the scorer) and a
 * small LLaVA in the {@code LlavaForConditionalGeneration} layout ({@link org.efuf4j.world.models.CaptionerTrainer},
 * the captioner EFUF unlearns from), with a BPE tokenizer learned from the world's text. {@link
 * org.efuf4j.world.models.WorldModels} trains both or reuses them from a cache keyed by the world and model
 * configurations, and measures what the method needs of them: the captioner's CHAIR, the scorer's AUC on the
 * captioner's own mentions, and a linear probe of the captioner's visual features.
 */
package org.efuf4j.world.models;

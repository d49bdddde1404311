/**
 * CLIP as EFUF's object scorer, and contrastive training of small CLIP models.
 *
 * <p>{@link org.efuf4j.clip.ClipScorer} computes the paper's image relevance score S(o) = 100 x cosine(image, text
 * "A photo containing o.") over the whole image, the best sliding window (paper) or the top-k cells (the authors'
 * code), as set by {@link org.efuf4j.clip.ScoringOptions}. The score is the cosine times a fixed 100, not CLIP's
 * {@code logits_per_image}, which multiply by the learned {@code exp(logit_scale)}; the two agree for OpenAI's released
 * checkpoints (scale clamped at 100) and differ for models trained here.
 *
 * <p>{@link org.efuf4j.clip.ClipTrainer} trains a CLIPModel with CLIP's symmetric InfoNCE (optionally with
 * {@link org.efuf4j.clip.HardNegatives}); {@link org.efuf4j.clip.ScorerQuality} measures how well scores separate
 * present from absent objects; {@link org.efuf4j.clip.ClipVocabulary} writes the small CLIP BPE vocabulary such a
 * model is trained with.
 */
package org.efuf4j.clip;

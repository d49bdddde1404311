/** Vision towers as one interface: CLIP's and SigLIP's {@code vision_model}, alone ({@code CLIPVisionModel}, {@code SiglipVisionModel}) or in LLaVA. */
package org.efuf4j.models.vision;

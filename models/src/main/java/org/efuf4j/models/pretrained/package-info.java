/**
 * Hugging Face model directories: {@link org.efuf4j.models.pretrained.PretrainedModels} builds a model from
 * {@code config.json}, loads {@code model.safetensors} or a shard index with weights kept memory-mapped in their stored
 * dtype (legacy buffers skipped, both LLaVA key layouts accepted, all mismatches reported together) and saves
 * directories transformers loads; {@link org.efuf4j.models.pretrained.HfOutputs} names outputs as transformers flattens them.
 */
package org.efuf4j.models.pretrained;

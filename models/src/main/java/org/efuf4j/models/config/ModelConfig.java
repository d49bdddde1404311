package org.efuf4j.models.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A parsed Hugging Face {@code config.json}: immutable, with every absent field set to its transformers default. */
public sealed interface ModelConfig
        permits ClipConfig, ClipTextConfig, VisionTowerConfig, LlamaConfig, LlavaConfig {

    /** The {@code model_type} Hugging Face uses to pick the config class. */
    String modelType();

    /** The model class written to {@code architectures} when saving. */
    String architecture();

    /** Every field this config models, including {@code model_type}, in Hugging Face's names. */
    ObjectNode toJson();
}

package org.efuf4j.models.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code CLIPConfig} (model_type {@code clip}): the two towers and the joint embedding space. */
public record ClipConfig(
        ClipTextConfig textConfig,
        ClipVisionConfig visionConfig,
        int projectionDim,
        double logitScaleInitValue,
        double initializerFactor) implements ModelConfig {

    public static final String MODEL_TYPE = "clip";

    public ClipConfig {
        if (textConfig == null || visionConfig == null) throw new IllegalArgumentException("CLIP needs both tower configs");
    }

    static ClipConfig parse(ConfigReader r) {
        // Old configs carry the towers twice; transformers lets the legacy *_config_dict win.
        ConfigReader text = orEmpty(r, "text_config").overriddenBy(r.child("text_config_dict"));
        ConfigReader vision = orEmpty(r, "vision_config").overriddenBy(r.child("vision_config_dict"));
        return new ClipConfig(
                ClipTextConfig.parse(text),
                ClipVisionConfig.parse(vision),
                r.getPositiveInt("projection_dim", 512),
                r.getDouble("logit_scale_init_value", 2.6592),
                r.getDouble("initializer_factor", 1.0));
    }

    private static ConfigReader orEmpty(ConfigReader r, String field) {
        ConfigReader child = r.child(field);
        return child != null ? child : ConfigReader.empty(r.source(), r.path(field) + ".");
    }

    @Override public String modelType() { return MODEL_TYPE; }

    @Override public String architecture() { return "CLIPModel"; }

    @Override public ObjectNode toJson() {
        ObjectNode n = ConfigReader.MAPPER.createObjectNode();
        n.put("model_type", MODEL_TYPE);
        n.put("projection_dim", projectionDim);
        n.put("logit_scale_init_value", logitScaleInitValue);
        n.put("initializer_factor", initializerFactor);
        n.set("text_config", textConfig.toJson());
        n.set("vision_config", visionConfig.toJson());
        return n;
    }
}

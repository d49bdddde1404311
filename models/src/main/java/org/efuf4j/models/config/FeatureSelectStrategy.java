package org.efuf4j.models.config;

/** Which rows of the chosen vision hidden state LLaVA feeds to the projector. */
public enum FeatureSelectStrategy {
    /** Drop the class token (row 0): LLaVA-1.5 with CLIP, 576 rows at 336 px. */
    DEFAULT("default"),
    /** Keep every row: towers without a class token, such as SigLIP in llava-interleave. */
    FULL("full");

    private final String jsonName;

    FeatureSelectStrategy(String jsonName) { this.jsonName = jsonName; }

    public String jsonName() { return jsonName; }

    static FeatureSelectStrategy fromJson(ConfigReader r, String field, String value) {
        for (FeatureSelectStrategy s : values()) if (s.jsonName.equals(value)) return s;
        throw r.error(field, "must be \"default\" or \"full\", got \"" + value + "\"");
    }
}

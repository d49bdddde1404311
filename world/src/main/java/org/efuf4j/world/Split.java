package org.efuf4j.world;

/** The three image sets of a world; each is written to its own folder named {@link #folder()}. */
public enum Split {
    TRAIN, VAL, EVAL;

    public String folder() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

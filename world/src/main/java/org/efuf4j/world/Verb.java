package org.efuf4j.world;

/** A caption verb phrase in its singular and plural forms ("stands" / "stand"). */
public record Verb(String singular, String plural) {
    static final Verb STANDS = new Verb("stands", "stand");
    static final Verb SITS = new Verb("sits", "sit");
    static final Verb LIES = new Verb("lies", "lie");
    static final Verb RESTS = new Verb("rests", "rest");
    static final Verb PARKED = new Verb("is parked", "are parked");
    static final Verb FLIES = new Verb("flies", "fly");
    static final Verb HANGS = new Verb("hangs", "hang");
    static final Verb FLOATS = new Verb("floats", "float");
    static final Verb WAITS = new Verb("waits", "wait");
    static final Verb RUNS = new Verb("runs", "run");
    static final Verb VISIBLE = new Verb("is visible", "are visible");

    String of(int count) {
        return count == 1 ? singular : plural;
    }
}

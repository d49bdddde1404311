package org.efuf4j.autograd.nn;

import java.util.List;

/** A state dict that does not fit a module: every missing, unexpected and mis-shaped key, reported together. */
public final class StateDictException extends RuntimeException {
    private final List<String> missing, unexpected, misShaped;

    public StateDictException(String source, List<String> missing, List<String> unexpected, List<String> misShaped) {
        super("state dict " + source + " does not match the module: "
                + (missing.isEmpty() ? "" : missing.size() + " missing " + missing + "; ")
                + (unexpected.isEmpty() ? "" : unexpected.size() + " unexpected " + unexpected + "; ")
                + (misShaped.isEmpty() ? "" : misShaped.size() + " mis-shaped " + misShaped));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misShaped = List.copyOf(misShaped);
    }

    public List<String> missing() { return missing; }
    public List<String> unexpected() { return unexpected; }
    public List<String> misShaped() { return misShaped; }
}

package org.efuf4j.world;

import java.util.List;

/**
 * A caption with the truth about what it names.
 *
 * @param objects the categories it mentions, in reading order, each once
 * @param absent  the mentioned categories the image does not contain (injected group-mates; empty
 *                for reference captions)
 * @param omitted present categories its reference named that it leaves out (caption noise)
 */
public record WorldCaption(String text, List<String> objects, List<String> absent, List<String> omitted) {
    public WorldCaption {
        objects = List.copyOf(objects);
        absent = List.copyOf(absent);
        omitted = List.copyOf(omitted);
    }

    public boolean hallucinates() {
        return !absent.isEmpty();
    }
}

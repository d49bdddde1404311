package org.efuf4j.efuf.objects;

import java.util.List;

/**
 * One object category of a vocabulary: its canonical name (for COCO, the public category name such
 * as "dining table") and every term that names it, canonical name included.
 *
 * @param cocoId COCO category id, or 0 when the vocabulary does not say (CHAIR-format lists)
 */
public record ObjectCategory(int cocoId, String name, List<String> terms) {
    public ObjectCategory {
        terms = List.copyOf(terms);
    }

    @Override
    public String toString() {
        return name;
    }
}

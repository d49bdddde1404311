package org.efuf4j.efuf.objects;

/**
 * An object mentioned in a caption.
 *
 * @param category the vocabulary category the mention maps to
 * @param term     the vocabulary term that matched, singular ("knife" for "knives", "elephant" for
 *                 "baby elephants")
 * @param surface  the caption's own text of the mention, {@code caption.substring(start, end)}
 * @param start    first character of the mention in the caption
 * @param end      one past the last character
 */
public record Mention(ObjectCategory category, String term, String surface, int start, int end) {
    /** The category's canonical name, the unit CHAIR counts in. */
    public String object() {
        return category.name();
    }
}

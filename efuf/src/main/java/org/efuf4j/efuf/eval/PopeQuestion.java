package org.efuf4j.efuf.eval;

/**
 * One POPE probe: "Is there a {object} in the image?" with the true answer.
 *
 * @param present the true answer: whether the object is in the image's ground truth
 */
public record PopeQuestion(int questionId, String imageId, String object, boolean present) {
    public static final String TEMPLATE = "Is there a %s in the image?";

    public String text() {
        return TEMPLATE.formatted(object);
    }

    public String label() {
        return present ? "yes" : "no";
    }
}

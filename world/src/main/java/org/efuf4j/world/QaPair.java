package org.efuf4j.world;

import org.efuf4j.efuf.eval.PopeQuestion;

/** A yes/no training question about one category, in POPE's wording. */
public record QaPair(String object, boolean present) {
    public String question() {
        return PopeQuestion.TEMPLATE.formatted(object);
    }

    public String answer() {
        return present ? "Yes" : "No";
    }
}

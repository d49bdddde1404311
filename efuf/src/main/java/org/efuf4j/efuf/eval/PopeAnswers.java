package org.efuf4j.efuf.eval;

import java.util.Set;

/**
 * Reads a model's free-text answer to a POPE question the way POPE's evaluation script does: keep
 * the text before the first '.', delete commas, split at single spaces, and answer "no" if one of
 * the words is exactly "No", "no" or "not"; every other answer counts as "yes". The rule is
 * case-sensitive and literal on purpose ("NO" and "no!" count as yes) so numbers stay comparable
 * with published POPE results.
 */
public final class PopeAnswers {
    private static final Set<String> NEGATIONS = Set.of("No", "no", "not");

    private PopeAnswers() {}

    /** True for yes. */
    public static boolean saysYes(String answer) {
        String text = answer;
        int dot = text.indexOf('.');
        if (dot >= 0) {
            text = text.substring(0, dot);
        }
        text = text.replace(",", "");
        for (String word : text.split(" ", -1)) {
            if (NEGATIONS.contains(word)) {
                return false;
            }
        }
        return true;
    }
}

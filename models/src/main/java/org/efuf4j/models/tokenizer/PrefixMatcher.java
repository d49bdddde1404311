package org.efuf4j.models.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Longest-match lookup of a fixed set of strings (user-defined pieces, added tokens) at a position. */
final class PrefixMatcher {

    /** Candidates by their first char, longest first. */
    private final Map<Character, List<String>> byFirstChar = new HashMap<>();

    PrefixMatcher(Collection<String> words) {
        for (String w : words) {
            if (!w.isEmpty()) {
                byFirstChar.computeIfAbsent(w.charAt(0), c -> new ArrayList<>()).add(w);
            }
        }
        for (List<String> list : byFirstChar.values()) {
            list.sort((a, b) -> Integer.compare(b.length(), a.length()));
        }
    }

    /** Length of the longest word starting at {@code pos}, 0 when none. */
    int match(String text, int pos) {
        if (byFirstChar.isEmpty() || pos >= text.length()) {
            return 0;
        }
        List<String> candidates = byFirstChar.get(text.charAt(pos));
        if (candidates != null) {
            for (String w : candidates) {
                if (text.startsWith(w, pos)) {
                    return w.length();
                }
            }
        }
        return 0;
    }

    boolean isEmpty() {
        return byFirstChar.isEmpty();
    }
}

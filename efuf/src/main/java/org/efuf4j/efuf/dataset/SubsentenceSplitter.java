package org.efuf4j.efuf.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.efuf4j.efuf.objects.Mention;

/**
 * Cuts a caption into clauses at runs of the punctuation {@code [,.;!?:]} and gives, for an object
 * mention, EFUF's fine-grained training pair: the target is the clause containing the mention, the
 * context everything before that clause (punctuation included), and the clauses after it are
 * dropped. The target keeps its leading space ("There is a cat," + " a dog sits on the left"), so
 * context + target is exactly a prefix of the caption and tokenises as the caption does.
 * <p>With the separator in the target ({@link #forMention(String, Mention, boolean)}), a clause opened by a
 * clause-continuing separator ({@code , ; :}) starts at it instead ("There is a cat" + ", a dog sits on the
 * left"): a list's hallucination lives in the decision to go on after the last object the model sees, which is the
 * separator; unlearning the words after it only moves the model's choice to another object, often one it already
 * named. A sentence end ({@code . ! ?}) stays with the sentence it closes.
 */
public final class SubsentenceSplitter {
    private static final String PUNCTUATION = ",.;!?:", SENTENCE_ENDS = ".!?";
    private static final Pattern BOUNDARY = Pattern.compile("[,.;!?:]+");

    /** A clause: the caption's characters [start, end), punctuation excluded. */
    public record Clause(int start, int end, String text) {}

    /** The training pair for one mention. */
    public record Subsentence(String context, String target, int targetStart, int targetEnd) {}

    private SubsentenceSplitter() {}

    /** All clauses in order, including empty ones between adjacent punctuation runs at the edges. */
    public static List<Clause> clauses(String caption) {
        List<Clause> clauses = new ArrayList<>();
        Matcher m = BOUNDARY.matcher(caption);
        int start = 0;
        while (m.find()) {
            clauses.add(new Clause(start, m.start(), caption.substring(start, m.start())));
            start = m.end();
        }
        clauses.add(new Clause(start, caption.length(), caption.substring(start)));
        return clauses;
    }

    /** The clause holding character {@code position}; an error if that character is punctuation. */
    public static Subsentence at(String caption, int position) {
        if (position < 0 || position >= caption.length()) {
            throw new IllegalArgumentException("position " + position + " is outside the caption (length "
                    + caption.length() + ")");
        }
        for (Clause clause : clauses(caption)) {
            if (position >= clause.start() && position < clause.end()) {
                return new Subsentence(caption.substring(0, clause.start()), clause.text(), clause.start(),
                        clause.end());
            }
        }
        throw new IllegalArgumentException("position " + position + " of caption '" + caption
                + "' is a clause boundary ('" + caption.charAt(position) + "'), not inside a clause");
    }

    public static Subsentence forMention(String caption, Mention mention) {
        return at(caption, mention.start());
    }

    /**
     * The training pair for one mention; with {@code separatorInTarget} the clause-continuing separator before its
     * clause (if any) opens the target instead of closing the context.
     */
    public static Subsentence forMention(String caption, Mention mention, boolean separatorInTarget) {
        Subsentence s = at(caption, mention.start());
        if (!separatorInTarget) {
            return s;
        }
        int from = s.targetStart();
        while (from > 0 && isBoundary(caption.charAt(from - 1))) {
            if (SENTENCE_ENDS.indexOf(caption.charAt(from - 1)) >= 0) {
                return s; // a sentence end stays with its sentence
            }
            from--;
        }
        return from == s.targetStart() ? s : new Subsentence(caption.substring(0, from), caption.substring(from, s.targetEnd()), from, s.targetEnd());
    }

    /** The pair with its target cut at caption character {@code end} (one past the last kept), where that falls inside the target. */
    public static Subsentence endingAt(String caption, Subsentence s, int end) {
        if (end <= s.targetStart() || end >= s.targetEnd()) return s;
        return new Subsentence(s.context(), caption.substring(s.targetStart(), end), s.targetStart(), end);
    }

    /** Whether {@code c} is clause-boundary punctuation, the characters the split cuts at. */
    public static boolean isBoundary(char c) {
        return PUNCTUATION.indexOf(c) >= 0;
    }
}

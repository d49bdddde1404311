package org.efuf4j.efuf.eval;

import java.util.Arrays;
import java.util.List;

import org.efuf4j.efuf.dataset.SubsentenceSplitter;
import org.efuf4j.efuf.objects.Mention;

/**
 * Where in the captions the hallucinated mentions fall, counted in the clauses EFUF unlearns (the
 * {@link SubsentenceSplitter}'s). A model that hallucinates from its language prior lists what it sees and then keeps
 * going: its hallucinations gather in the last clause. Clause indices count non-empty clauses from the start (0 is the
 * first); indices past {@link #MAX_INDEX} are counted at it.
 *
 * @param hallucinatedByClause hallucinated mentions per clause index
 * @param mentionsByClause     all mentions per clause index (the base rate the hallucinations are compared with)
 * @param hallucinatedInLast   hallucinated mentions in their caption's last non-empty clause
 * @param mentionsInLast       all mentions in their caption's last non-empty clause
 */
public record ClausePositions(int[] hallucinatedByClause, int[] mentionsByClause, int hallucinatedInLast, int mentionsInLast) {
    public static final int MAX_INDEX = 7;

    public static ClausePositions of(List<CaptionChair> captions) {
        int[] hall = new int[MAX_INDEX + 1], all = new int[MAX_INDEX + 1];
        int hallLast = 0, allLast = 0;
        for (CaptionChair c : captions) {
            List<SubsentenceSplitter.Clause> clauses = SubsentenceSplitter.clauses(c.caption()).stream().filter(k -> !k.text().isBlank()).toList();
            for (Mention m : c.mentions()) {
                int index = clauseIndex(clauses, m.start());
                boolean last = index == clauses.size() - 1;
                boolean hallucinated = c.hallucinated().contains(m);
                all[Math.min(index, MAX_INDEX)]++;
                if (last) allLast++;
                if (hallucinated) {
                    hall[Math.min(index, MAX_INDEX)]++;
                    if (last) hallLast++;
                }
            }
        }
        return new ClausePositions(hall, all, hallLast, allLast);
    }

    private static int clauseIndex(List<SubsentenceSplitter.Clause> clauses, int position) {
        for (int i = 0; i < clauses.size(); i++) if (position >= clauses.get(i).start() && position < clauses.get(i).end()) return i;
        throw new IllegalArgumentException("mention at character " + position + " lies in no clause");
    }

    public int hallucinated() { return Arrays.stream(hallucinatedByClause).sum(); }

    /** Share of the hallucinated mentions that sit in their caption's last clause; NaN without hallucinations. */
    public double lastClauseShare() {
        int h = hallucinated();
        return h == 0 ? Double.NaN : (double) hallucinatedInLast / h;
    }

    /** Share of all mentions in the last clause: what {@link #lastClauseShare()} would be if position did not matter. */
    public double lastClauseMentionShare() {
        int m = Arrays.stream(mentionsByClause).sum();
        return m == 0 ? Double.NaN : (double) mentionsInLast / m;
    }

    /** Per clause index, the share of its mentions that are hallucinated (NaN where it holds none). */
    public double[] hallucinationRateByClause() {
        double[] r = new double[mentionsByClause.length];
        for (int i = 0; i < r.length; i++) r[i] = mentionsByClause[i] == 0 ? Double.NaN : (double) hallucinatedByClause[i] / mentionsByClause[i];
        return r;
    }
}

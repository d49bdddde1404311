package org.efuf4j.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The BPE merge loop shared by every tokenizer here: a doubly linked list of symbols and a priority
 * queue of adjacent pairs. The pair with the lowest priority merges first; ties go to the leftmost
 * pair, which is what both SentencePiece ({@code bpe_model.cc}) and Hugging Face tokenizers
 * ({@code word.rs}) do. Stale queue entries are recognised by the lengths of their two symbols, since
 * a symbol only ever grows.
 */
final class SymbolMerger {

    /** Priority of merging two adjacent symbols; lower merges first; {@link Double#NaN} when they cannot merge. */
    @FunctionalInterface
    interface PairPriority {
        double priority(String left, String right);
    }

    private SymbolMerger() {
    }

    private record Candidate(double priority, int left, int right, int leftLength, int rightLength) {
    }

    /**
     * Merges the symbols; frozen symbols (user-defined pieces) never take part in a merge.
     *
     * @param frozen may be null when nothing is frozen
     */
    static List<String> merge(List<String> symbols, boolean[] frozen, PairPriority pairs) {
        int n = symbols.size();
        if (n < 2) {
            return new ArrayList<>(symbols);
        }
        String[] piece = symbols.toArray(new String[0]);
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Candidate> agenda = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(a.priority, b.priority);
            return c != 0 ? c : Integer.compare(a.left, b.left);
        });
        for (int i = 1; i < n; i++) {
            offer(agenda, piece, frozen, pairs, i - 1, i);
        }
        while (!agenda.isEmpty()) {
            Candidate top = agenda.poll();
            String left = piece[top.left];
            String right = piece[top.right];
            if (left == null || right == null || next[top.left] != top.right
                    || left.length() != top.leftLength || right.length() != top.rightLength) {
                continue;
            }
            piece[top.left] = left + right;
            piece[top.right] = null;
            int after = next[top.right];
            next[top.left] = after;
            if (after >= 0) {
                prev[after] = top.left;
            }
            if (prev[top.left] >= 0) {
                offer(agenda, piece, frozen, pairs, prev[top.left], top.left);
            }
            if (after >= 0) {
                offer(agenda, piece, frozen, pairs, top.left, after);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(piece[i]);
        }
        return out;
    }

    private static void offer(PriorityQueue<Candidate> agenda, String[] piece, boolean[] frozen,
                              PairPriority pairs, int left, int right) {
        if (frozen != null && (frozen[left] || frozen[right])) {
            return;
        }
        double p = pairs.priority(piece[left], piece[right]);
        if (!Double.isNaN(p)) {
            agenda.add(new Candidate(p, left, right, piece[left].length(), piece[right].length()));
        }
    }
}

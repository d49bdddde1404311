package org.efuf4j.efuf.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.efuf4j.efuf.objects.WordTokenizer;

/**
 * Corpus-level BLEU (Papineni et al. 2002) over word n-grams: clipped n-gram counts and lengths are
 * summed over the whole corpus before the precisions and the brevity penalty are taken, each
 * hypothesis may have several references (counts clipped by the maximum over references, and the
 * reference length is the one closest to the hypothesis length, the shorter on a tie).
 * Words are the lowercase {@link WordTokenizer} words, so punctuation does not count.
 *
 * <p>Smoothing: {@link Smoothing#NONE} (the default, as in the original definition and
 * coco-caption's corpus score) gives 0 when some order has no match at all;
 * {@link Smoothing#EPSILON} replaces a zero match count by 0.1, NLTK's "method1", for tiny corpora.
 */
public final class Bleu {

    public enum Smoothing {
        NONE, EPSILON;

        static final double EPSILON_COUNT = 0.1;
    }

    /**
     * @param bleu           the score in [0, 1]
     * @param precisions     modified n-gram precision for n = 1..maxOrder
     * @param brevityPenalty exp(1 - r/c) when the hypotheses are shorter than the references, else 1
     */
    public record Score(double bleu, double[] precisions, double brevityPenalty, long hypothesisLength,
                        long referenceLength) {}

    private Bleu() {}

    public static Score corpus(List<String> hypotheses, List<List<String>> references, int maxOrder,
                               Smoothing smoothing) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU: " + hypotheses.size() + " hypotheses but " + references.size()
                    + " reference sets");
        }
        if (maxOrder < 1) {
            throw new IllegalArgumentException("BLEU: max n-gram order must be >= 1, got " + maxOrder);
        }
        long[] matches = new long[maxOrder];
        long[] totals = new long[maxOrder];
        long hypLength = 0;
        long refLength = 0;
        for (int s = 0; s < hypotheses.size(); s++) {
            List<String> hyp = WordTokenizer.words(hypotheses.get(s));
            List<List<String>> refs = references.get(s).stream().map(WordTokenizer::words).toList();
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("BLEU: hypothesis " + s + " has no reference");
            }
            hypLength += hyp.size();
            refLength += closestLength(refs, hyp.size());
            for (int n = 1; n <= maxOrder; n++) {
                Map<List<String>, Integer> hypCounts = ngrams(hyp, n);
                Map<List<String>, Integer> maxRef = new HashMap<>();
                for (List<String> ref : refs) {
                    ngrams(ref, n).forEach((g, c) -> maxRef.merge(g, c, Math::max));
                }
                for (Map.Entry<List<String>, Integer> e : hypCounts.entrySet()) {
                    matches[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
                }
                totals[n - 1] += Math.max(0, hyp.size() - n + 1);
            }
        }
        double[] precisions = new double[maxOrder];
        double logSum = 0;
        boolean zero = false;
        for (int n = 0; n < maxOrder; n++) {
            double match = matches[n];
            if (match == 0 && smoothing == Smoothing.EPSILON && totals[n] > 0) {
                match = Smoothing.EPSILON_COUNT;
            }
            precisions[n] = totals[n] == 0 ? 0 : match / totals[n];
            if (precisions[n] == 0) {
                zero = true;
            } else {
                logSum += Math.log(precisions[n]) / maxOrder;
            }
        }
        double bp = hypLength == 0 ? 0 : hypLength >= refLength ? 1 : Math.exp(1 - (double) refLength / hypLength);
        double bleu = zero ? 0 : bp * Math.exp(logSum);
        return new Score(bleu, precisions, bp, hypLength, refLength);
    }

    public static Score corpus(List<String> hypotheses, List<List<String>> references, int maxOrder) {
        return corpus(hypotheses, references, maxOrder, Smoothing.NONE);
    }

    private static int closestLength(List<List<String>> refs, int hypLength) {
        int best = refs.getFirst().size();
        for (List<String> ref : refs) {
            int d = Math.abs(ref.size() - hypLength);
            int bestD = Math.abs(best - hypLength);
            if (d < bestD || (d == bestD && ref.size() < best)) {
                best = ref.size();
            }
        }
        return best;
    }

    private static Map<List<String>, Integer> ngrams(List<String> words, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= words.size(); i++) {
            counts.merge(words.subList(i, i + n), 1, Integer::sum);
        }
        return counts;
    }
}

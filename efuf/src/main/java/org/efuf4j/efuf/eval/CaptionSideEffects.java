package org.efuf4j.efuf.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;

/**
 * Symptoms of damage by unlearning that CHAIR alone hides: a model can lower CHAIR by naming fewer
 * objects, fall into loops, or stop mid-sentence.
 *
 * @param objectsPerCaption   mean number of object mentions per caption
 * @param repeatingShare      share of captions naming the same object term two or more times
 *                            ("a dog ... a dog"); different words for one category ("a man and a
 *                            woman") do not count
 * @param unterminatedShare   share of captions that do not end in '.', '!' or '?' (optionally
 *                            followed by closing quotes or brackets): generation stopped by the
 *                            length limit
 */
public record CaptionSideEffects(int captions, double objectsPerCaption, double repeatingShare,
                                 double unterminatedShare) {
    private static final Pattern TERMINATED = Pattern.compile("[.!?][\"'”’)\\]]*\\s*$");

    public static CaptionSideEffects of(List<String> captions, ObjectExtractor extractor) {
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("side-effect metrics need at least one caption");
        }
        long mentions = 0;
        int repeating = 0;
        int unterminated = 0;
        for (String caption : captions) {
            List<Mention> found = extractor.extract(caption);
            mentions += found.size();
            Set<String> seen = new HashSet<>();
            for (Mention m : found) {
                if (!seen.add(m.term())) {
                    repeating++;
                    break;
                }
            }
            if (!isTerminated(caption)) {
                unterminated++;
            }
        }
        int n = captions.size();
        return new CaptionSideEffects(n, (double) mentions / n, (double) repeating / n, (double) unterminated / n);
    }

    static boolean isTerminated(String caption) {
        return TERMINATED.matcher(caption).find();
    }
}

package org.efuf4j.efuf.eval;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.efuf4j.efuf.objects.Mention;

/**
 * CHAIR by object category: how often the captions name each category, and how often they name it where the image
 * lacks it. Which objects a model hallucinates, and which of them unlearning removes, say more about the mechanism than
 * CHAIR's totals (an object the scorer cannot see never reaches D-).
 *
 * @param byObject per canonical category name, in name order
 */
public record ObjectHallucinations(Map<String, Count> byObject) {
    /** @param hallucinated mentions of the category in captions of images without it */
    public record Count(int mentions, int hallucinated) {
        public Count {
            if (hallucinated < 0 || hallucinated > mentions)
                throw new IllegalArgumentException("need 0 <= hallucinated <= mentions, got " + hallucinated + " of " + mentions);
        }
    }

    public ObjectHallucinations {
        byObject = Collections.unmodifiableMap(new TreeMap<>(byObject));
    }

    public static ObjectHallucinations of(List<CaptionChair> captions) {
        Map<String, int[]> counts = new TreeMap<>();
        for (CaptionChair c : captions) {
            for (Mention m : c.mentions()) counts.computeIfAbsent(m.object(), k -> new int[2])[0]++;
            for (Mention m : c.hallucinated()) counts.computeIfAbsent(m.object(), k -> new int[2])[1]++;
        }
        Map<String, Count> out = new TreeMap<>();
        counts.forEach((object, n) -> out.put(object, new Count(n[0], n[1])));
        return new ObjectHallucinations(out);
    }

    /** Hallucinated mentions of {@code object}; 0 for a category the captions never name. */
    public int hallucinated(String object) {
        Count c = byObject.get(object);
        return c == null ? 0 : c.hallucinated();
    }
}

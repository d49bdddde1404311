package org.efuf4j.efuf.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds POPE question sets from ground truth (Li et al. 2023): per image, {@code present} objects
 * drawn from its ground truth (answer yes) and {@code absent} objects it does not contain (answer
 * no). Absent objects come from one of three pools:
 * <ul>
 *   <li>{@link Strategy#RANDOM}: uniformly among the categories the image lacks;
 *   <li>{@link Strategy#POPULAR}: the categories present in the most images of the set;
 *   <li>{@link Strategy#ADVERSARIAL}: the categories that co-occur most often (in the other images
 *       of the set) with the image's ground-truth objects.
 * </ul>
 * Images with fewer than {@code present} ground-truth objects are skipped, as POPE does. Images are
 * visited in ascending id order and one seeded generator drives every draw, so a seed fixes the
 * question set; ties in the popular and adversarial rankings are broken by category name.
 */
public final class PopeSampler {

    public enum Strategy { RANDOM, POPULAR, ADVERSARIAL }

    /** The questions and how many images had too few objects to be used. */
    public record Result(List<PopeQuestion> questions, int skippedImages) {}

    private final GroundTruth groundTruth;
    private final List<String> categories;
    private final int present;
    private final int absent;

    /**
     * @param categories every category questions may ask about (normally the vocabulary's names)
     */
    public PopeSampler(GroundTruth groundTruth, List<String> categories, int present, int absent) {
        if (present < 1 || absent < 1) {
            throw new IllegalArgumentException("POPE needs at least one present and one absent object per image, got "
                    + present + " and " + absent);
        }
        this.groundTruth = groundTruth;
        this.categories = List.copyOf(new TreeSet<>(categories));
        this.present = present;
        this.absent = absent;
    }

    /** POPE's standard setting: 3 present and 3 absent objects per image. */
    public PopeSampler(GroundTruth groundTruth, List<String> categories) {
        this(groundTruth, categories, 3, 3);
    }

    public Result sample(Strategy strategy, long seed) {
        Random random = new Random(seed);
        Map<String, Integer> imageCounts = imageCounts();
        Map<String, Map<String, Integer>> cooccurrence = strategy == Strategy.ADVERSARIAL ? cooccurrence() : Map.of();
        List<PopeQuestion> questions = new ArrayList<>();
        int skipped = 0;
        for (String imageId : new TreeSet<>(groundTruth.imageIds())) {
            Set<String> truth = groundTruth.objects(imageId).orElseThrow();
            List<String> candidatesAbsent = new ArrayList<>();
            for (String c : categories) {
                if (!truth.contains(c)) {
                    candidatesAbsent.add(c);
                }
            }
            if (truth.size() < present || candidatesAbsent.size() < absent) {
                skipped++;
                continue;
            }
            List<String> yes = new ArrayList<>(truth);
            Collections.shuffle(yes, random);
            yes = yes.subList(0, present);
            List<String> no = switch (strategy) {
                case RANDOM -> {
                    Collections.shuffle(candidatesAbsent, random);
                    yield candidatesAbsent.subList(0, absent);
                }
                case POPULAR -> topBy(candidatesAbsent, c -> imageCounts.getOrDefault(c, 0));
                case ADVERSARIAL -> topBy(candidatesAbsent, c -> {
                    Map<String, Integer> row = cooccurrence.getOrDefault(c, Map.of());
                    int score = 0;
                    for (String t : truth) {
                        score += row.getOrDefault(t, 0);
                    }
                    return score;
                });
            };
            for (String object : yes) {
                questions.add(new PopeQuestion(questions.size() + 1, imageId, object, true));
            }
            for (String object : no) {
                questions.add(new PopeQuestion(questions.size() + 1, imageId, object, false));
            }
        }
        return new Result(List.copyOf(questions), skipped);
    }

    private List<String> topBy(List<String> candidates, java.util.function.ToIntFunction<String> score) {
        List<String> sorted = new ArrayList<>(candidates); // already sorted by name: a stable sort keeps ties in name order
        sorted.sort((a, b) -> Integer.compare(score.applyAsInt(b), score.applyAsInt(a)));
        return sorted.subList(0, absent);
    }

    /** In how many images each category is present. */
    private Map<String, Integer> imageCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (String id : groundTruth.imageIds()) {
            for (String c : groundTruth.objects(id).orElseThrow()) {
                counts.merge(c, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** For each pair of categories, the number of images containing both. */
    private Map<String, Map<String, Integer>> cooccurrence() {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        for (String id : groundTruth.imageIds()) {
            Set<String> objects = groundTruth.objects(id).orElseThrow();
            for (String a : objects) {
                for (String b : objects) {
                    if (!a.equals(b)) {
                        counts.computeIfAbsent(a, k -> new HashMap<>()).merge(b, 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }
}

package org.efuf4j.world.models;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.efuf4j.efuf.eval.PopeAnswers;
import org.efuf4j.efuf.eval.PopeQuestion;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.world.Catalogue;
import org.efuf4j.world.Split;
import org.efuf4j.world.World;
import org.efuf4j.world.WorldConfig;
import org.efuf4j.world.WorldImage;

/**
 * An experiment, not a test: where a captioner's POPE answers go wrong. {@code PopeBreakdown <captioner dir> <world seed>
 * [split]} answers each POPE split's questions on the held-out images (the validation images with split "val") and
 * prints, per object asked about while absent, how often it answered "Yes", apart for absent objects of the image's own
 * scene (group-mates) and of other scenes, and the "Yes" rate on present objects.
 */
public final class PopeBreakdown {
    private PopeBreakdown() {}

    public static void main(String[] args) {
        WorldCaptioner captioner = WorldCaptioner.load(Path.of(args[0]));
        World world = World.generate(WorldConfig.defaults().withSeed(Long.parseLong(args[1])));
        Split split0 = args.length > 2 && args[2].equals("val") ? Split.VAL : Split.EVAL;
        Map<String, WorldImage> byId = new HashMap<>();
        for (WorldImage image : world.images(split0)) byId.put(image.imageId(), image);
        GroundTruth truth = world.groundTruth(split0);
        for (PopeSampler.Strategy split : PopeSampler.Strategy.values()) {
            List<PopeQuestion> questions = new PopeSampler(truth, new ArrayList<>(ObjectVocabulary.coco().names())).sample(split, 0).questions();
            List<String> answers = WorldModels.answerPope(questions, byId, captioner);
            int[] present = new int[2], mates = new int[2], others = new int[2];
            Map<String, int[]> absentByObject = new TreeMap<>();
            for (int i = 0; i < questions.size(); i++) {
                PopeQuestion q = questions.get(i);
                boolean yes = PopeAnswers.saysYes(answers.get(i));
                int[] cell = q.present() ? present
                        : Catalogue.scene(byId.get(q.imageId()).scene()).categories().contains(q.object()) ? mates : others;
                cell[0] += yes ? 1 : 0;
                cell[1]++;
                if (!q.present()) {
                    int[] o = absentByObject.computeIfAbsent(q.object(), k -> new int[2]);
                    o[0] += yes ? 1 : 0;
                    o[1]++;
                }
            }
            System.out.printf(Locale.ROOT, "%s: Yes on present %s, on absent group-mates %s, on absent others %s%n", split, rate(present), rate(mates), rate(others));
            absentByObject.entrySet().stream().filter(e -> e.getValue()[1] >= 10)
                    .forEach(e -> System.out.printf(Locale.ROOT, "    absent %-14s Yes %s%n", e.getKey(), rate(e.getValue())));
        }
    }

    private static String rate(int[] c) {
        return String.format(Locale.ROOT, "%.2f (%d of %d)", c[1] == 0 ? 0 : (double) c[0] / c[1], c[0], c[1]);
    }
}

package org.efuf4j.efuf.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.efuf4j.efuf.eval.Bleu;
import org.efuf4j.efuf.eval.CaptionSideEffects;
import org.efuf4j.efuf.eval.Chair;
import org.efuf4j.efuf.eval.ChairJson;
import org.efuf4j.efuf.eval.ChairReport;
import org.efuf4j.efuf.eval.ClausePositions;
import org.efuf4j.efuf.eval.HallucinationKinds;
import org.efuf4j.efuf.eval.ObjectHallucinations;
import org.efuf4j.efuf.eval.SizeRecall;
import org.efuf4j.efuf.eval.GeneratedCaption;
import org.efuf4j.efuf.eval.GroundTruth;
import org.efuf4j.efuf.eval.PopeMetrics;
import org.efuf4j.efuf.eval.PopeQuestion;
import org.efuf4j.efuf.eval.PopeSampler;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Digests;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.io.JsonlWriter;
import org.efuf4j.efuf.io.StageRecord;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.tensor.Device;

/**
 * Hallucination evaluation of one model on an image folder: captions (resumable {@code captions.jsonl}), CHAIR
 * ({@code chair.json}), POPE per split ({@code pope-<split>.jsonl} answers), BLEU-1/2/4 against reference captions,
 * perplexity of the captions under a chosen language model, side effects, where the hallucinations fall in the
 * captions (clause index) and, when the ground truth gives object sizes, recall of small and of large objects apart;
 * all in {@code metrics.json}.
 */
public final class Evaluation {
    /**
     * @param popeImages POPE asks about the first this many images with ground truth (0: all of them): CHAIR wants many
     *                   captions, while POPE's six questions an image per split cost more than a caption each
     */
    public record Settings(String prompt, String template, int maxNewTokens, Decoding decoding, List<PopeSampler.Strategy> popeSplits,
                           int popeMaxNewTokens, long seed, int popeImages) {
        public Settings {
            if (popeImages < 0) throw new IllegalArgumentException("POPE images must be >= 0 (0: all), got " + popeImages);
        }

        /** POPE on every image. */
        public Settings(String prompt, String template, int maxNewTokens, Decoding decoding, List<PopeSampler.Strategy> popeSplits,
                        int popeMaxNewTokens, long seed) {
            this(prompt, template, maxNewTokens, decoding, popeSplits, popeMaxNewTokens, seed, 0);
        }

        public static Settings paper() {
            return new Settings(Captioner.EVALUATION_PROMPT, Captioner.LLAVA_TEMPLATE, 256, new Decoding.BeamSearch(5, 1.0),
                    List.of(PopeSampler.Strategy.values()), 16, 0);
        }
    }

    /** Optional inputs: reference captions by image id (BLEU) and a perplexity model. */
    public record Extras(Map<String, List<String>> references, Perplexity perplexity) {}

    private Evaluation() {}

    public static ObjectNode run(Path model, ImageFolder images, GroundTruth truth, ObjectExtractor extractor, Extras extras,
                                 Settings settings, Path outDir, Device device) {
        return run(model, images, truth, extractor, extras, settings, outDir, device, false);
    }

    /** The record of what made an evaluation folder's captions and answers. */
    public static final String RECORD = "evaluation.provenance.json";

    /**
     * @param restart discard captions and answers in {@code outDir} that another model or other settings made, instead
     *                of stopping with an error that says what differs
     */
    public static ObjectNode run(Path model, ImageFolder images, GroundTruth truth, ObjectExtractor extractor, Extras extras,
                                 Settings settings, Path outDir, Device device, boolean restart) {
        claim(model, images, truth, extractor, settings, outDir, restart);
        Captioner captioner = Captioner.load(model, device, settings.template());
        CaptionScoringStage.Result captioned = CaptionScoringStage.run(images, outDir.resolve("captions.jsonl"),
                img -> captioner.generate(img, settings.prompt(), settings.maxNewTokens(), settings.decoding()), extractor, null,
                "captions " + outDir.getFileName());
        List<GeneratedCaption> captions = new ArrayList<>();
        List<GeneratedCaption> withTruth = new ArrayList<>();
        for (CaptionRecord r : captioned.records()) {
            if (r.isSkipped()) continue;
            GeneratedCaption c = new GeneratedCaption(ImageFolder.imageId(r.image()), r.caption());
            captions.add(c);
            if (truth.contains(c.imageId())) withTruth.add(c);
        }
        // The captions as 'efuf evaluate chair' and other CHAIR tools read them: {image_id, caption}.
        StringBuilder generated = new StringBuilder();
        for (GeneratedCaption c : captions) generated.append(Json.MAPPER.createObjectNode().put("image_id", c.imageId()).put("caption", c.caption())).append('\n');
        AtomicFiles.writeString(outDir.resolve("generated.jsonl"), generated.toString());
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("model", model.toString());
        m.put("images", captioned.records().size());
        m.put("skipped_images", captioned.skipped());
        m.put("captions", captions.size());
        m.put("empty_captions", captioned.emptyCaptions());
        m.put("captions_without_ground_truth", captions.size() - withTruth.size());
        if (!withTruth.isEmpty()) {
            ChairReport chair = new Chair(extractor, truth).evaluate(withTruth);
            ChairJson.write(chair, outDir.resolve("chair.json"));
            m.put("chair_s", chair.chairS());
            m.put("chair_i", chair.chairI());
            m.put("chair_recall", chair.recall());
            m.put("object_mentions", chair.mentionCount());
            m.put("hallucinated_mentions", chair.hallucinatedMentionCount());
            clausePositions(ClausePositions.of(chair.captions()), m.putObject("clause_positions"));
            HallucinationKinds kinds = HallucinationKinds.of(chair.captions());
            m.putObject("hallucination_kinds").put("added", kinds.added()).put("swapped", kinds.swapped());
            ObjectNode byObject = m.putObject("hallucinations_by_object");
            ObjectHallucinations.of(chair.captions()).byObject().forEach((object, c) ->
                    byObject.putObject(object).put("mentions", c.mentions()).put("hallucinated", c.hallucinated()));
            if (truth.hasSizes()) {
                SizeRecall sr = SizeRecall.of(chair.captions(), truth, SizeRecall.medianSize(truth));
                DatasetFormation.putFinite(m, "recall_small", sr.smallRecall());
                DatasetFormation.putFinite(m, "recall_large", sr.largeRecall());
                ObjectNode split = m.putObject("size_split");
                split.put("small_below", sr.smallBelow());
                split.put("small_objects", sr.smallObjects());
                split.put("large_objects", sr.largeObjects());
            }
        }
        if (!settings.popeSplits().isEmpty() && !withTruth.isEmpty()) pope(captioner, images, truth, extractor, settings, outDir, m.putObject("pope"));
        if (extras.references() != null) {
            List<String> hyps = new ArrayList<>();
            List<List<String>> refs = new ArrayList<>();
            for (GeneratedCaption c : captions) {
                List<String> r = extras.references().get(c.imageId());
                if (r == null || r.isEmpty()) continue;
                hyps.add(c.caption());
                refs.add(r);
            }
            if (!hyps.isEmpty()) {
                m.put("bleu_captions", hyps.size());
                // BLEU-1's two factors apart too: with references longer than the captions, the brevity penalty charges every
                // clause a model stops writing, hallucinated or not, while the unigram precision shows what it does write
                Bleu.Score unigrams = Bleu.corpus(hyps, refs, 1);
                DatasetFormation.putFinite(m, "bleu_1", 100 * unigrams.bleu());
                for (int n : new int[] {2, 4}) DatasetFormation.putFinite(m, "bleu_" + n, 100 * Bleu.corpus(hyps, refs, n).bleu());
                DatasetFormation.putFinite(m, "bleu_1_precision", 100 * unigrams.precisions()[0]);
                DatasetFormation.putFinite(m, "bleu_brevity_penalty", unigrams.brevityPenalty());
                m.put("bleu_hypothesis_words", unigrams.hypothesisLength());
                m.put("bleu_reference_words", unigrams.referenceLength());
            }
        }
        List<String> texts = captions.stream().map(GeneratedCaption::caption).toList();
        if (extras.perplexity() != null) DatasetFormation.putFinite(m, "perplexity", extras.perplexity().of(texts));
        if (!texts.isEmpty()) {
            CaptionSideEffects se = CaptionSideEffects.of(texts, extractor);
            m.put("objects_per_caption", se.objectsPerCaption());
            m.put("repeating_object_share", se.repeatingShare());
            m.put("unterminated_share", se.unterminatedShare());
        }
        AtomicFiles.write(outDir.resolve("metrics.json"), out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, m));
        return m;
    }

    private static void clausePositions(ClausePositions cp, ObjectNode into) {
        var hall = into.putArray("hallucinated_by_clause");
        for (int v : cp.hallucinatedByClause()) hall.add(v);
        var all = into.putArray("mentions_by_clause");
        for (int v : cp.mentionsByClause()) all.add(v);
        into.put("hallucinated_in_last_clause", cp.hallucinatedInLast());
        into.put("mentions_in_last_clause", cp.mentionsInLast());
        DatasetFormation.putFinite(into, "last_clause_share", cp.lastClauseShare());
        DatasetFormation.putFinite(into, "last_clause_mention_share", cp.lastClauseMentionShare());
    }

    /**
     * Captions and POPE answers resume only for the model and settings that made them: another model evaluated under the
     * same label would otherwise be reported with the old model's metrics.
     */
    private static void claim(Path model, ImageFolder images, GroundTruth truth, ObjectExtractor extractor, Settings settings,
                              Path outDir, boolean restart) {
        StageRecord record = StageRecord.of("evaluation")
                .with("model files", Digests.ofDirectory(model))
                .with("images", Digests.ofListing(images.dir(), images.names()))
                .with("prompt", settings.prompt())
                .with("template", settings.template())
                .with("max new tokens", settings.maxNewTokens())
                .with("decoding", settings.decoding())
                .with("POPE splits", settings.popeSplits())
                .with("POPE max new tokens", settings.popeMaxNewTokens())
                .with("POPE seed", settings.seed())
                .with("ground truth", digest(truth))
                .with("vocabulary", Digests.ofText(extractor.vocabulary().categories().toString()))
                .orElse("evaluate this model under another --label");
        // recorded only when limited, so that folders evaluated before the limit existed (on every image) still resume
        if (settings.popeImages() > 0) record.with("POPE images", settings.popeImages());
        List<Path> outputs = new ArrayList<>(List.of(outDir.resolve("captions.jsonl"), outDir.resolve("generated.jsonl"),
                outDir.resolve("chair.json"), outDir.resolve("metrics.json")));
        for (PopeSampler.Strategy split : PopeSampler.Strategy.values()) outputs.add(outDir.resolve("pope-" + split.name().toLowerCase() + ".jsonl"));
        record.claim(outDir, outDir.resolve(RECORD), restart, outputs);
    }

    private static String digest(GroundTruth truth) {
        StringBuilder sb = new StringBuilder();
        for (String id : new java.util.TreeSet<>(truth.imageIds())) sb.append(id).append('\t').append(new java.util.TreeSet<>(truth.require(id, "digest"))).append('\n');
        return Digests.ofText(sb.toString());
    }

    private record PopeAnswer(int questionId, String imageId, String object, boolean present, String answer) {}

    private static void pope(Captioner captioner, ImageFolder images, GroundTruth truth, ObjectExtractor extractor, Settings settings,
                             Path outDir, ObjectNode into) {
        Map<String, String> fileById = new HashMap<>();
        for (String name : images.names()) fileById.put(ImageFolder.imageId(name), name);
        GroundTruth.Builder b = GroundTruth.builder();
        int asked = 0;
        for (String id : truth.imageIds()) {
            if (!fileById.containsKey(id)) continue;
            if (settings.popeImages() > 0 && asked++ >= settings.popeImages()) break;
            b.image(id);
            for (String o : truth.require(id, "POPE")) b.add(id, o);
        }
        GroundTruth local = b.build();
        List<String> categories = new ArrayList<>(extractor.vocabulary().names());
        for (PopeSampler.Strategy split : settings.popeSplits()) {
            PopeSampler.Result sampled = new PopeSampler(local, categories).sample(split, settings.seed());
            String name = split.name().toLowerCase();
            Path file = outDir.resolve("pope-" + name + ".jsonl");
            Map<Integer, String> answered = new HashMap<>();
            if (Files.exists(file)) for (JsonNode n : JsonlReader.readTree(file).records()) answered.put(n.path("questionId").asInt(), n.path("answer").asText());
            List<String> answers = new ArrayList<>();
            try (JsonlWriter w = JsonlWriter.append(file); Progress bar = new Progress("POPE " + name, sampled.questions().size(), answered.size())) {
                for (PopeQuestion q : sampled.questions()) {
                    String a = answered.get(q.questionId());
                    if (a == null) {
                        a = captioner.generate(images.require(fileById.get(q.imageId())), q.text(), settings.popeMaxNewTokens(), Decoding.GREEDY);
                        w.write(new PopeAnswer(q.questionId(), q.imageId(), q.object(), q.present(), a));
                        bar.step();
                    }
                    answers.add(a);
                }
            }
            ObjectNode s = into.putObject(name);
            s.put("questions", sampled.questions().size());
            s.put("skipped_images", sampled.skippedImages());
            if (sampled.questions().isEmpty()) continue;
            PopeMetrics pm = PopeMetrics.ofAnswers(sampled.questions(), answers);
            DatasetFormation.putFinite(s, "accuracy", pm.accuracy());
            DatasetFormation.putFinite(s, "precision", pm.precision());
            DatasetFormation.putFinite(s, "recall", pm.recall());
            DatasetFormation.putFinite(s, "f1", pm.f1());
            DatasetFormation.putFinite(s, "yes_ratio", pm.yesRatio());
        }
    }

    static Set<String> ids(List<GeneratedCaption> c) {
        Set<String> s = new HashSet<>();
        for (GeneratedCaption g : c) s.add(g.imageId());
        return s;
    }
}

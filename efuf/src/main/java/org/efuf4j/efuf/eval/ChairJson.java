package org.efuf4j.efuf.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.efuf4j.tensor.io.AtomicFiles;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.objects.Mention;

/**
 * Writes a {@link ChairReport} as JSON, laid out like the reference CHAIR output ("overall_metrics"
 * and one entry per caption under "sentences") plus each mention's character span, so a viewer
 * can mark hallucinated words in the caption.
 */
public final class ChairJson {
    private ChairJson() {}

    public static ObjectNode toJson(ChairReport report) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode overall = root.putObject("overall_metrics");
        overall.put("CHAIRs", report.chairS());
        overall.put("CHAIRi", report.chairI());
        overall.put("Recall", report.recall());
        overall.put("captions", report.captions().size());
        overall.put("mentions", report.mentionCount());
        overall.put("hallucinated_mentions", report.hallucinatedMentionCount());
        overall.put("hallucinating_captions", report.hallucinatingCaptionCount());
        ArrayNode sentences = root.putArray("sentences");
        for (CaptionChair c : report.captions()) {
            ObjectNode s = sentences.addObject();
            s.put("image_id", c.imageId());
            s.put("caption", c.caption());
            ArrayNode generated = s.putArray("mscoco_generated_words");
            c.mentions().forEach(m -> generated.add(m.object()));
            ArrayNode hallucinated = s.putArray("mscoco_hallucinated_words");
            c.hallucinated().forEach(m -> hallucinated.add(m.object()));
            ArrayNode truth = s.putArray("mscoco_gt_words");
            c.groundTruth().stream().sorted().forEach(truth::add);
            ArrayNode mentions = s.putArray("mentions");
            for (Mention m : c.mentions()) {
                ObjectNode node = mentions.addObject();
                node.put("object", m.object());
                node.put("term", m.term());
                node.put("surface", m.surface());
                node.put("start", m.start());
                node.put("end", m.end());
                node.put("hallucinated", c.hallucinated().contains(m));
            }
            ObjectNode metrics = s.putObject("metrics");
            metrics.put("CHAIRs", c.hallucinates() ? 1 : 0);
            metrics.put("CHAIRi", c.chairI());
            metrics.put("Recall", c.recall());
        }
        return root;
    }

    public static void write(ChairReport report, Path file) {
        ObjectNode json = toJson(report);
        AtomicFiles.write(file, out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, json));
    }
}

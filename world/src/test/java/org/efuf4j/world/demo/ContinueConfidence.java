package org.efuf4j.world.demo;

import java.nio.file.Path;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.pipeline.Captioner;
import org.efuf4j.efuf.pipeline.ImageFolder;
import org.efuf4j.efuf.train.TrainingExample;
import org.efuf4j.tensor.Device;
import org.efuf4j.tensor.Tensor;
import org.efuf4j.world.World;

/**
 * Diagnostic: how sure a captioner is, at each clause boundary of its own captions, that the description goes on
 * (args: CAPTIONER_DIR CHAIR_JSON IMAGES_DIR [limit]). Gradient ascent on a clause opening with its comma moves the
 * decision to go on in proportion to 1 - p(","), so a captioner sure to go on gives the ascent little to push.
 */
public final class ContinueConfidence {
    public static void main(String[] args) throws Exception {
        Captioner c = Captioner.load(Path.of(args[0]), Device.CPU, Captioner.LLAVA_TEMPLATE);
        c.model().eval();
        JsonNode chair = Json.MAPPER.readTree(Path.of(args[1]).toFile());
        ImageFolder images = new ImageFolder(Path.of(args[2]));
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        String chatText = c.chatText(World.DESCRIPTION_PROMPT);
        // groups: 0 boundary before a correct clause, 1 before a hallucinated clause, 2 the final stop
        double[] pContinue = new double[3], logitGap = new double[3];
        int[] n = new int[3];
        int done = 0;
        for (JsonNode s : chair.path("sentences")) {
            if (done++ >= limit) break;
            String caption = s.path("caption").asText();
            Tensor pixels = c.pixels(images.require(s.path("image_id").asText() + ".png"));
            for (int b = 0; b < caption.length(); b++) {
                char ch = caption.charAt(b);
                if (ch != ',' && ch != '.') continue;
                int group;
                if (ch == '.') group = b == caption.length() - 1 ? 2 : -1;
                else {
                    group = -1;
                    int next = caption.indexOf(',', b + 1);
                    if (next < 0) next = caption.length();
                    for (JsonNode m : s.path("mentions")) {
                        int st = m.path("start").asInt();
                        if (st > b && st < next) group = m.path("hallucinated").asBoolean() ? 1 : 0;
                    }
                }
                if (group < 0) continue;
                TrainingExample e = TrainingExample.encode(c.model().config(), c.tokenizer(), chatText, caption.substring(0, b), caption.substring(b), false);
                int at = e.ids().length - e.targetTokens() - 1;
                // the BPE merges the separator with the word before it ("▁left," / "▁left."): compare the two spellings
                String token = c.tokenizer().idToToken((int) e.ids()[at + 1]);
                if (!token.endsWith(String.valueOf(ch))) continue;
                String stem = token.substring(0, token.length() - 1);
                int goOn = c.tokenizer().tokenToId(stem + ","), stop = c.tokenizer().tokenToId(stem + ".");
                if (goOn < 0 || stop < 0 || goOn == c.tokenizer().unkId() || stop == c.tokenizer().unkId()) continue;
                Tensor logits = c.model().forward(e.idsTensor(), null, pixels).logits().value();
                int vocab = (int) logits.dim(2);
                double max = Double.NEGATIVE_INFINITY;
                double[] row = new double[vocab];
                for (int v = 0; v < vocab; v++) { row[v] = logits.getFloat(0, at, v); max = Math.max(max, row[v]); }
                double z = 0;
                for (int v = 0; v < vocab; v++) z += Math.exp(row[v] - max);
                pContinue[group] += Math.exp(row[goOn] - max) / z;
                logitGap[group] += row[goOn] - row[stop];
                n[group]++;
            }
        }
        String[] names = {"before a present object's clause", "before a hallucinated clause", "at the caption's end"};
        for (int g = 0; g < 3; g++)
            System.out.printf(Locale.ROOT, "%-34s n=%5d  p(',')=%.3f  logit(',')-logit('.')=%+.2f%n", names[g], n[g], pContinue[g] / n[g], logitGap[g] / n[g]);
    }
}

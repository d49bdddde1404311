package org.efuf4j.efuf.pipeline;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

import org.efuf4j.efuf.io.Digests;
import org.efuf4j.efuf.io.StageRecord;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.efuf.objects.ObjectVocabulary;
import org.efuf4j.models.generate.Decoding;
import org.efuf4j.tensor.Device;

/**
 * What captions and scores the images of dataset formation, as plain values: model folders, scoring mode, prompt,
 * decoding, vocabulary, device. Serializable, so a distributed engine ships it to its workers and each {@link #open()}s
 * the models once where it runs (paths must be readable there); the single-process command opens it the same way.
 *
 * @param model         LLaVA directory that writes the captions
 * @param clip          CLIP directory that scores the objects
 * @param scoring       whole-image, paper or implementation
 * @param cellSize      window cell side, null for the mode's default
 * @param prompt        the resolved caption prompt
 * @param template      the resolved chat template
 * @param synonyms      CHAIR synonyms file, null for the built-in COCO vocabulary
 * @param decodingSpec  the decoding as {@link #decodingSpec(Decoding)} writes it ({@link Decoding} is not serializable)
 */
public record FormationModels(String model, String clip, String scoring, Integer cellSize, String prompt, String template,
                              int maxNewTokens, String decodingSpec, String synonyms, String device) implements Serializable {
    public FormationModels {
        decoding(decodingSpec); // refuses a malformed spec here, on the driver, not on every executor
        Device.parse(device);
    }

    public static FormationModels of(Path model, Path clip, String scoring, Integer cellSize, String prompt, String template,
                                     int maxNewTokens, Decoding decoding, Path synonyms, Device device) {
        return new FormationModels(model.toString(), clip.toString(), scoring, cellSize, prompt, template, maxNewTokens,
                decodingSpec(decoding), synonyms == null ? null : synonyms.toString(), device.toString());
    }

    public Decoding decoding() { return decoding(decodingSpec); }

    public ObjectExtractor extractor() {
        return new ObjectExtractor(synonyms == null ? ObjectVocabulary.coco() : ObjectVocabulary.fromChairSynonyms(Path.of(synonyms)));
    }

    /** Loads the captioner and the scorer: the per-image work of one worker thread. */
    public ImageScoring open() {
        Device d = Device.parse(device);
        Captioner captioner = Captioner.load(Path.of(model), d, template);
        ObjectScorer scorer = ClipObjectScorer.load(Path.of(clip), scoring, cellSize, d);
        Decoding decoding = decoding();
        return new ImageScoring(img -> captioner.generate(img, prompt, maxNewTokens, decoding), extractor(), scorer);
    }

    /** What the captions depend on, for {@code captions.provenance.json}: a rerun resumes only when this matches. */
    public StageRecord record() {
        return StageRecord.of("caption and score")
                .with("--model files", Digests.ofDirectory(Path.of(model)))
                .with("--clip files", Digests.ofDirectory(Path.of(clip)))
                .with("--scoring", scoring).with("--cell-size", cellSize)
                .with("--prompt", prompt).with("--template", template).with("--max-new-tokens", maxNewTokens)
                .with("decoding", decoding())
                .with("vocabulary", synonyms == null ? "built-in COCO" : Digests.ofFiles(List.of(Path.of(synonyms))));
    }

    public static String decodingSpec(Decoding d) {
        return switch (d) {
            case Decoding.Greedy g -> "greedy";
            case Decoding.Sampling s -> "sample " + s.temperature() + " " + s.topP() + " " + s.seed();
            case Decoding.BeamSearch b -> "beam " + b.numBeams() + " " + b.lengthPenalty();
        };
    }

    static Decoding decoding(String spec) {
        String[] f = spec.split(" ");
        try {
            return switch (f[0]) {
                case "greedy" -> Decoding.GREEDY;
                case "sample" -> new Decoding.Sampling(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]));
                case "beam" -> new Decoding.BeamSearch(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
                default -> throw new IllegalArgumentException("unknown decoding " + f[0]);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("decoding spec must be 'greedy', 'sample T P SEED' or 'beam N LP'; got '" + spec + "': " + e.getMessage(), e);
        }
    }
}

package org.efuf4j.efuf.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.efuf4j.efuf.objects.Mention;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.models.image.RgbImage;

/**
 * The per-image work of dataset formation: caption, extract the mentioned objects, score each against the image. The
 * one home of that function, whichever engine runs it (this process, or a Spark executor); it keeps how long captioning
 * and scoring took, so a run can say where its time went. Not thread-safe: one instance per worker thread.
 */
public final class ImageScoring {
    private static final System.Logger LOG = System.getLogger(ImageScoring.class.getName());

    /** Reads one image; any exception means the image is unreadable and is skipped. */
    @FunctionalInterface
    public interface ImageReader {
        RgbImage read() throws Exception;
    }

    private final Function<RgbImage, String> captioner;
    private final ObjectExtractor extractor;
    private final ObjectScorer scorer;
    private long captionNanos, scoringNanos;
    private int images;

    /** @param scorer may be null: captions and objects only (evaluation), no scores */
    public ImageScoring(Function<RgbImage, String> captioner, ObjectExtractor extractor, ObjectScorer scorer) {
        this.captioner = captioner;
        this.extractor = extractor;
        this.scorer = scorer;
    }

    public boolean scores() { return scorer != null; }

    /** The image's record; a skipped record, with the reason, when it cannot be read or decoded. */
    public CaptionRecord process(String name, ImageReader reader) {
        RgbImage image;
        try {
            image = reader.read();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "skipping image {0}: {1}", name, e.getMessage());
            return CaptionRecord.skipped(name, String.valueOf(e.getMessage()));
        }
        long start = System.nanoTime();
        String caption = captioner.apply(image);
        List<Mention> mentions = caption.isBlank() ? List.of() : extractor.extract(caption);
        List<String> objects = new ArrayList<>(mentions.size());
        for (Mention m : mentions) objects.add(m.surface());
        long captioned = System.nanoTime();
        float[] scores = scorer == null || objects.isEmpty() ? nanScores(objects.size()) : scorer.score(image, objects);
        long scored = System.nanoTime();
        captionNanos += captioned - start;
        scoringNanos += scored - captioned;
        images++;
        return CaptionRecord.of(name, caption, mentions, scores);
    }

    /** Time spent so far in this instance (seconds of the worker thread, not of the run). */
    public Throughput.Work work() { return new Throughput.Work(images, captionNanos * 1e-9, scoringNanos * 1e-9); }

    private static float[] nanScores(int n) {
        float[] s = new float[n];
        Arrays.fill(s, Float.NaN);
        return s;
    }
}

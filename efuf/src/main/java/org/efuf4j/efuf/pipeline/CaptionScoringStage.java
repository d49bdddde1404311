package org.efuf4j.efuf.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import org.efuf4j.efuf.io.Digests;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.io.JsonlWriter;
import org.efuf4j.efuf.io.StageRecord;
import org.efuf4j.efuf.objects.ObjectExtractor;
import org.efuf4j.models.image.RgbImage;
import org.efuf4j.tensor.io.AtomicFiles;

/**
 * Stage 1 of dataset formation, image by image: caption, extract the mentioned objects, score each against the
 * image. One JSONL record per image is appended and flushed as soon as it is done, so an interrupted run resumes
 * where it stopped: images already in the file are not redone, and a partial last line is dropped.
 */
public final class CaptionScoringStage {
    private static final System.Logger LOG = System.getLogger(CaptionScoringStage.class.getName());

    /** @param captioned records now in the file (including resumed ones); skipped unreadable images; resumed records found at start */
    public record Result(List<CaptionRecord> records, int skipped, int resumed, int emptyCaptions, int withoutObjects, int nanScores,
                         Throughput throughput) {}

    /**
     * What runs the per-image work ({@link ImageScoring}) over the images not yet in the file: this process, one image
     * after another, or a distributed engine. It hands each record to {@code done} (which appends it to the file) and
     * returns how long the work took.
     */
    public interface Engine {
        Throughput run(List<String> pending, Consumer<CaptionRecord> done);
    }

    private CaptionScoringStage() {}

    /**
     * @param scorer may be null: captions and objects only (evaluation), no scores
     */
    public static Result run(ImageFolder images, Path out, Function<RgbImage, String> captioner, ObjectExtractor extractor,
                             ObjectScorer scorer, String progressName) {
        return run(images, out, captioner, extractor, scorer, progressName, null, false);
    }

    /**
     * @param record  what produces the captions (model and scorer digests, prompt, decoding, ...), kept beside
     *                {@code out}: a rerun resumes only when it matches; null to skip the check (callers that own
     *                {@code out} outright)
     * @param restart discard captions made with other inputs instead of stopping with an error
     */
    public static Result run(ImageFolder images, Path out, Function<RgbImage, String> captioner, ObjectExtractor extractor,
                             ObjectScorer scorer, String progressName, StageRecord record, boolean restart) {
        ImageScoring work = new ImageScoring(captioner, extractor, scorer);
        return run(Digests.ofListing(images.dir(), images.names()), images.names(), out, inProcess(images, work, progressName),
                work.scores(), record, restart);
    }

    /** The per-image work in this thread, one image after another, with a progress bar. */
    public static Engine inProcess(ImageFolder images, ImageScoring work, String progressName) {
        return (pending, done) -> {
            long start = System.nanoTime();
            try (Progress bar = new Progress(progressName, pending.size(), 0)) {
                for (String name : pending) {
                    done.accept(work.process(name, () -> images.require(name)));
                    bar.step();
                }
            }
            return new Throughput("local", 1, (System.nanoTime() - start) * 1e-9, work.work());
        };
    }

    /**
     * The stage over any engine.
     *
     * @param listing digest of the image listing (names and sizes), part of {@code record}
     * @param names   every image, sorted: the order records are written in
     * @param scored  whether the engine scores objects (a missing score then counts as NaN)
     */
    public static Result run(String listing, List<String> names, Path out, Engine engine, boolean scored, StageRecord record, boolean restart) {
        if (record != null) {
            record.with("images", listing);
            record.claim(out.toAbsolutePath().getParent(), recordFile(out), restart, List.of(out));
        }
        List<CaptionRecord> records = new ArrayList<>(Files.exists(out) ? JsonlReader.read(out, CaptionRecord.class).records() : List.of());
        int retried = dropSkipped(records, out);
        Set<String> done = new HashSet<>();
        for (CaptionRecord r : records) done.add(r.image());
        int resumed = records.size();
        if (resumed > 0) LOG.log(System.Logger.Level.INFO, "{0}: resuming after {1} of {2} images", out, resumed, names.size());
        if (retried > 0) LOG.log(System.Logger.Level.INFO, "{0}: retrying {1} image(s) that could not be read last time", out, retried);
        List<String> pending = new ArrayList<>();
        for (String name : names) if (!done.contains(name)) pending.add(name);
        Throughput throughput;
        try (JsonlWriter writer = JsonlWriter.append(out)) {
            throughput = engine.run(pending, r -> {
                if (!done.add(r.image())) throw new IllegalStateException("the engine returned image " + r.image() + " twice");
                writer.write(r);
                records.add(r);
            });
        }
        if (records.size() != resumed + pending.size())
            throw new IllegalStateException("the engine returned " + (records.size() - resumed) + " records for " + pending.size() + " images");
        int skipped = 0, empty = 0, without = 0, nan = 0;
        for (CaptionRecord r : records) {
            if (r.isSkipped()) { skipped++; continue; }
            if (r.caption().isBlank()) empty++;
            if (r.objects().isEmpty()) without++;
            if (scored) for (CaptionRecord.ScoredObject o : r.objects()) if (o.score() == null) nan++;
        }
        return new Result(records, skipped, resumed, empty, without, nan, throughput);
    }

    /** The record of what made {@code captions.jsonl}: {@code captions.provenance.json} beside it. */
    public static Path recordFile(Path out) {
        String name = out.getFileName().toString();
        return out.resolveSibling((name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name) + ".provenance.json");
    }

    /**
     * Images skipped last time (unreadable then) are tried again: the user may have replaced them. Their records are
     * dropped from the file, which is rewritten whole, so a crash leaves either version.
     */
    private static int dropSkipped(List<CaptionRecord> records, Path out) {
        int before = records.size();
        if (!records.removeIf(CaptionRecord::isSkipped)) return 0;
        StringBuilder sb = new StringBuilder();
        for (CaptionRecord r : records) {
            try {
                sb.append(Json.MAPPER.writeValueAsString(r)).append('\n');
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        AtomicFiles.writeString(out, sb.toString());
        return before - records.size();
    }
}

package org.efuf4j.efuf.pipeline;

import java.io.Serializable;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How fast a captioning run went and where its time went: images per second of wall time, and the share of worker time
 * in captioning (the MLLM's generation and object extraction) against scoring (CLIP). Written to
 * {@code statistics.json} under {@code "throughput"}.
 *
 * @param engine  what ran the per-image work ({@code local}, {@code spark local[2]}, ...)
 * @param workers how many images were worked on at once (threads or Spark task slots)
 * @param seconds wall time of the run, including model loading and (for Spark) scheduling
 */
public record Throughput(String engine, int workers, double seconds, Work work) {
    /** Worker time, summed over workers. Serializable: Spark executors send it back with their records. */
    public record Work(int images, double captionSeconds, double scoringSeconds) implements Serializable {
        public static final Work NONE = new Work(0, 0, 0);

        public Work plus(Work o) {
            return new Work(images + o.images, captionSeconds + o.captionSeconds, scoringSeconds + o.scoringSeconds);
        }

        public Work minus(Work o) {
            return new Work(images - o.images, captionSeconds - o.captionSeconds, scoringSeconds - o.scoringSeconds);
        }
    }

    public double imagesPerSecond() { return seconds > 0 ? work.images() / seconds : Double.NaN; }

    public void writeTo(ObjectNode node) {
        node.put("engine", engine);
        node.put("workers", workers);
        node.put("images_processed", work.images());
        node.put("seconds", seconds);
        DatasetFormation.putFinite(node, "images_per_second", imagesPerSecond());
        node.put("caption_seconds", work.captionSeconds());
        node.put("scoring_seconds", work.scoringSeconds());
        double busy = work.captionSeconds() + work.scoringSeconds();
        DatasetFormation.putFinite(node, "caption_share", busy > 0 ? work.captionSeconds() / busy : Double.NaN);
        DatasetFormation.putFinite(node, "scoring_share", busy > 0 ? work.scoringSeconds() / busy : Double.NaN);
    }
}

package org.efuf4j.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.pipeline.CaptionRecord;
import org.efuf4j.efuf.pipeline.FormationEngine;
import org.efuf4j.efuf.pipeline.FormationModels;
import org.efuf4j.efuf.pipeline.Throughput;

/**
 * Dataset formation's per-image work as a Spark job: the images are cut into partitions, each task captions and
 * scores its partition with the executor's models ({@link PartitionWork}), and the records come back to the driver,
 * where {@code efuf form-dataset} appends them to {@code captions.jsonl} and forms D+/D-/Ds exactly as in one process.
 * Records are a few hundred bytes an image, so collecting them is cheap next to captioning (tens of thousands of
 * images are megabytes); calibration needs every score anyway.
 */
public final class SparkFormationEngine implements FormationEngine {
    /** Partitions per task slot by default: enough for slow images on one slot not to hold up the rest. */
    static final int PARTITIONS_PER_SLOT = 4;

    @Override public String name() { return "spark"; }

    @Override public Job prepare(String images, FormationModels models, String master, int partitions) {
        boolean existing = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession.Builder b = SparkSession.builder().appName("efuf form-dataset");
        if (master != null) b.master(master);
        else if (!existing && !new SparkConf().contains("spark.master")) b.master("local[*]"); // not under spark-submit
        SparkSession spark = b.getOrCreate();
        if (!existing && master != null) spark.sparkContext().setLogLevel("WARN"); // a command-line run: its own lines, not every task's
        try {
            ImageListing listing = ImageListing.of(images, spark.sparkContext().hadoopConfiguration());
            return new SparkJob(spark, !existing, listing, models, partitions);
        } catch (RuntimeException e) {
            if (!existing) spark.stop();
            throw e;
        }
    }

    /** One formation run on a session; stops the session on close when it started it. */
    static final class SparkJob implements Job {
        private final SparkSession spark;
        private final boolean owned;
        private final ImageListing listing;
        private final FormationModels models;
        private final int partitions;

        SparkJob(SparkSession spark, boolean owned, ImageListing listing, FormationModels models, int partitions) {
            this.spark = spark;
            this.owned = owned;
            this.listing = listing;
            this.models = models;
            this.partitions = partitions;
        }

        @Override public List<String> names() { return listing.names(); }

        @Override public String listing() { return listing.digest(); }

        @Override public Throughput run(List<String> pending, Consumer<CaptionRecord> done) {
            long start = System.nanoTime();
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int slots = sc.defaultParallelism();
            if (pending.isEmpty()) return new Throughput(engineName(sc), slots, 0, Throughput.Work.NONE);
            java.util.Set<String> wanted = new java.util.HashSet<>(pending);
            List<ImageListing.Entry> todo = new ArrayList<>();
            for (ImageListing.Entry e : listing.entries()) if (wanted.contains(e.name())) todo.add(e);
            int slices = Math.min(todo.size(), partitions > 0 ? partitions : PARTITIONS_PER_SLOT * slots);
            sc.setJobDescription("caption and score " + todo.size() + " images");
            List<PartitionWork.Output> outputs = sc.parallelize(todo, slices).mapPartitions(new PartitionWork(models)).collect();
            Map<String, CaptionRecord> byName = new HashMap<>();
            Throughput.Work work = Throughput.Work.NONE;
            for (PartitionWork.Output o : outputs) {
                work = work.plus(o.work());
                for (String line : o.records()) {
                    CaptionRecord r = parse(line);
                    if (byName.put(r.image(), r) != null) throw new IllegalStateException("Spark returned image " + r.image() + " twice");
                }
            }
            // the order of the single-process run: by name, so captions.jsonl is the same file
            for (ImageListing.Entry e : todo) {
                CaptionRecord r = byName.get(e.name());
                if (r == null) throw new IllegalStateException("Spark returned no record for image " + e.name());
                done.accept(r);
            }
            return new Throughput(engineName(sc), slots, (System.nanoTime() - start) * 1e-9, work);
        }

        private static String engineName(JavaSparkContext sc) { return "spark " + sc.master(); }

        private static CaptionRecord parse(String line) {
            try {
                return Json.MAPPER.readValue(line, CaptionRecord.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("unreadable record from an executor: " + e.getMessage(), e);
            }
        }

        @Override public void close() {
            if (owned) spark.stop();
        }
    }
}

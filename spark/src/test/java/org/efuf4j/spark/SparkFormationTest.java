package org.efuf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.io.JsonlReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark engine against the single-process command on the quick world: the same files, whatever the partitioning,
 * also when a task fails once and is retried.
 */
@Order(1)
class SparkFormationTest {
    /** Everything both engines write that must not differ; statistics.json is compared without its timings. */
    static final List<String> SAME_FILES = List.of("captions.jsonl", "captions.provenance.json", "score-histogram.csv",
            "train/positive.jsonl", "train/negative.jsonl", "train/sentence.jsonl",
            "validation/positive.jsonl", "validation/negative.jsonl", "validation/sentence.jsonl");

    @TempDir static Path tmp;
    static QuickWorld world;
    static Path local;

    @BeforeAll
    static void singleProcess() {
        world = QuickWorld.get();
        SharedSpark.get();
        local = tmp.resolve("local");
        QuickWorld.Run r = world.formDataset(local);
        assertEquals(0, r.rc(), r.err());
    }

    @Test
    void sameRecordsAsOneProcessInOneOrThreePartitions() throws Exception {
        for (int partitions : new int[] {1, 3}) {
            Path out = tmp.resolve("spark-" + partitions);
            QuickWorld.Run r = world.formDataset(out, "--engine", "spark", "--partitions", String.valueOf(partitions));
            assertEquals(0, r.rc(), r.err());
            assertSameOutputs(local, out);
            JsonNode t = statistics(out).get("throughput");
            assertEquals("spark " + SharedSpark.MASTER, t.get("engine").asText());
            assertEquals(2, t.get("workers").asInt());
        }
        // run again on the same folder: everything resumes from captions.jsonl (only the skipped image is tried again)
        Path again = tmp.resolve("spark-1");
        QuickWorld.Run rerun = world.formDataset(again, "--engine", "spark", "--partitions", "1");
        assertEquals(0, rerun.rc(), rerun.err());
        assertSameOutputs(local, again);
        assertEquals(0, statistics(again).at("/throughput/images_processed").asInt(), "nothing captioned twice");
        // a manifest of the same files (by absolute path) is the same input
        StringBuilder manifest = new StringBuilder();
        try (var files = Files.list(world.images)) {
            for (Path f : files.sorted().toList()) manifest.append(f.toAbsolutePath()).append('\n');
        }
        Path list = Files.writeString(tmp.resolve("manifest.txt"), manifest);
        Path fromManifest = tmp.resolve("spark-manifest");
        QuickWorld.Run m = world.formDatasetFrom(list.toString(), fromManifest, "--engine", "spark");
        assertEquals(0, m.rc(), m.err());
        assertSameOutputs(local, fromManifest);
        // the corrupt image is a skipped record, counted, and the rest were captioned and scored
        JsonNode stats = statistics(local);
        assertEquals(QuickWorld.IMAGES + 1, stats.at("/counts/images").asInt());
        assertEquals(1, stats.at("/counts/skipped_images").asInt());
        assertTrue(stats.at("/counts/mentions").asInt() > QuickWorld.IMAGES, "the world's captioner names several objects an image: " + stats);
        JsonNode t = stats.get("throughput");
        assertEquals(QuickWorld.IMAGES, t.get("images_processed").asInt(), "skipped images are not worked on");
        double share = t.get("caption_share").asDouble() + t.get("scoring_share").asDouble();
        assertEquals(1.0, share, 1e-9);
        assertTrue(t.get("images_per_second").asDouble() > 0 && t.get("caption_seconds").asDouble() > 0 && t.get("scoring_seconds").asDouble() > 0, t.toString());
    }

    @Test
    void aTaskThatFailsOnceIsRetriedWithoutDuplicatedOrMissingRecords() throws Exception {
        SparkSession spark = SharedSpark.get();
        AtomicInteger failed = new AtomicInteger(), succeeded = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override public void onTaskEnd(SparkListenerTaskEnd end) {
                (end.reason() == Success$.MODULE$ ? succeeded : failed).incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(listener);
        spark.sparkContext().setLocalProperty(PartitionWork.FAIL_FIRST_ATTEMPT, "1");
        try {
            Path out = tmp.resolve("spark-retried");
            QuickWorld.Run r = world.formDataset(out, "--engine", "spark", "--partitions", "3");
            assertEquals(0, r.rc(), r.err());
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(1, failed.get(), "partition 1 failed once");
            assertEquals(3, succeeded.get(), "every partition succeeded once, partition 1 on its second attempt");
            assertSameOutputs(local, out);
        } finally {
            spark.sparkContext().setLocalProperty(PartitionWork.FAIL_FIRST_ATTEMPT, null);
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    static void assertSameOutputs(Path expected, Path actual) throws Exception {
        for (String f : SAME_FILES) {
            List<String> a = Files.readAllLines(expected.resolve(f)), b = Files.readAllLines(actual.resolve(f));
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) assertEquals(a.get(i), b.get(i), f + " line " + (i + 1));
            assertEquals(a.size(), b.size(), f + " lines");
        }
        ObjectNode a = statistics(expected), b = statistics(actual);
        a.remove("throughput");
        b.remove("throughput");
        assertEquals(a, b, "statistics.json without the timings");
        assertTrue(JsonlReader.readTree(actual.resolve("captions.jsonl")).records().size() == QuickWorld.IMAGES + 1);
    }

    static ObjectNode statistics(Path dir) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(dir.resolve("statistics.json").toFile());
    }
}

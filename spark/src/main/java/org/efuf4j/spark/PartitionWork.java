package org.efuf4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.efuf4j.efuf.io.Json;
import org.efuf4j.efuf.pipeline.CaptionRecord;
import org.efuf4j.efuf.pipeline.FormationModels;
import org.efuf4j.efuf.pipeline.ImageScoring;
import org.efuf4j.efuf.pipeline.Throughput;
import org.efuf4j.models.image.ImageDecoder;

/**
 * One Spark task: the shared per-image function ({@link ImageScoring}) over a partition's images, with the executor's
 * models. Pure: its output depends only on the images and the models, so a retried task gives the same records, and
 * Spark keeps the output of exactly one successful attempt of each partition.
 */
final class PartitionWork implements FlatMapFunction<Iterator<ImageListing.Entry>, PartitionWork.Output> {
    /**
     * Fault tests set this local property to a partition index: that partition's first attempt fails after doing its
     * work, so the test sees Spark retry it.
     */
    static final String FAIL_FIRST_ATTEMPT = "efuf4j.spark.failFirstAttemptOfPartition";

    /** A partition's records (JSON lines of captions.jsonl) and the worker time they took. */
    record Output(List<String> records, Throughput.Work work) implements Serializable {}

    private final FormationModels models;

    PartitionWork(FormationModels models) { this.models = models; }

    @Override public Iterator<Output> call(Iterator<ImageListing.Entry> images) {
        ImageScoring scoring = ExecutorModels.borrow(models);
        try {
            Throughput.Work before = scoring.work();
            Configuration conf = new Configuration();
            List<String> records = new ArrayList<>();
            while (images.hasNext()) {
                ImageListing.Entry e = images.next();
                CaptionRecord r = scoring.process(e.name(), () -> read(e, conf));
                records.add(json(r));
            }
            failIfAsked();
            return List.of(new Output(records, scoring.work().minus(before))).iterator();
        } finally {
            ExecutorModels.giveBack(models, scoring);
        }
    }

    private static org.efuf4j.models.image.RgbImage read(ImageListing.Entry e, Configuration conf) throws IOException {
        Path p = new Path(e.path());
        byte[] bytes;
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            bytes = in.readAllBytes();
        }
        return ImageDecoder.decode(bytes, e.path());
    }

    private static String json(CaptionRecord r) {
        try {
            return Json.MAPPER.writeValueAsString(r);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void failIfAsked() {
        TaskContext task = TaskContext.get();
        String partition = task.getLocalProperty(FAIL_FIRST_ATTEMPT);
        if (partition != null && Integer.parseInt(partition) == task.partitionId() && task.attemptNumber() == 0)
            throw new IllegalStateException("failing the first attempt of partition " + partition + " on purpose (" + FAIL_FIRST_ATTEMPT + ")");
    }
}

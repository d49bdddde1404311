package org.efuf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a standalone cluster in miniature, {@code local-cluster[2,1,512]}: two executor JVMs of one core and
 * 512 MiB each, which load the models themselves and read the images from the file system. Runs last (it needs the
 * JVM's one Spark context, so it stops the shared session).
 */
@Order(2)
class LocalClusterTest {
    @TempDir static Path tmp;

    @BeforeAll
    static void cluster() throws Exception {
        SharedSpark.stop();
        // A worker starts executors from "Spark home": under spark.testing it takes spark.test.home and does not need
        // the distribution's jars folder there; the executors get this JVM's class path (Maven's test class path).
        // The launcher takes the Scala version from a build folder there and adds the jars folder of a Spark build
        // (both must exist); the jars come from the class path instead.
        Path home = Files.createDirectories(tmp.resolve("spark-home"));
        Files.createDirectories(home.resolve("launcher/target/scala-2.13"));
        Files.createDirectories(home.resolve("assembly/target/scala-2.13/jars"));
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", home.toString());
        String classPath = System.getProperty("java.class.path");
        SparkSession.builder().master("local-cluster[2,1,512]").appName("efuf4j-spark local-cluster test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.executor.memory", "512m")
                .config("spark.executor.extraClassPath", classPath)
                .config("spark.executor.extraJavaOptions", "--enable-native-access=ALL-UNNAMED -Dlog4j2.configurationFile=log4j2-test.properties")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        SparkSession.getActiveSession().foreach(s -> { s.stop(); return null; });
        System.clearProperty("spark.testing");
        System.clearProperty("spark.test.home");
    }

    @Test
    void twoExecutorJvmsGiveTheSingleProcessRecords() throws Exception {
        QuickWorld world = QuickWorld.get();
        Path local = tmp.resolve("local"), cluster = tmp.resolve("cluster");
        // ground truth for precision and recall, thresholds from a hallucination rate this time (the other tests use
        // percentiles; the world's weak scorer on 10 images reaches no useful precision target with --calibrate labels)
        String[] labels = {"--annotations", world.objects.toString(), "--calibrate", "rate"};
        QuickWorld.Run a = world.formDataset(local, labels);
        assertEquals(0, a.rc(), a.err());
        QuickWorld.Run b = world.formDataset(cluster, concat(labels, "--engine", "spark", "--partitions", "4"));
        assertEquals(0, b.rc(), b.err());
        SparkFormationTest.assertSameOutputs(local, cluster);
        assertEquals("spark local-cluster[2,1,512]", SparkFormationTest.statistics(cluster).at("/throughput/engine").asText());
        assertTrue(SparkFormationTest.statistics(cluster).has("quality_on_labelled_mentions"), "labels gave precision and recall");
        assertEquals(2, SparkSession.active().sparkContext().getExecutorMemoryStatus().size() - 1, "two executors beside the driver");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

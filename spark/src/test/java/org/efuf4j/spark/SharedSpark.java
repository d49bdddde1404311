package org.efuf4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session of the module's tests (starting one takes 12-15 s): two task threads, and up to two attempts
 * a task ({@code local[2,2]}; plain {@code local[2]} gives a task one attempt only, so a failure would end the job).
 */
final class SharedSpark {
    static final String MASTER = "local[2,2]";
    private static SparkSession session;

    private SharedSpark() {}

    static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSession.builder().master(MASTER).appName("efuf4j-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return session;
    }

    /** Frees the JVM's one Spark context for a test that needs another master; {@link #get()} starts it again. */
    static synchronized void stop() {
        if (session != null) session.stop();
        session = null;
    }
}

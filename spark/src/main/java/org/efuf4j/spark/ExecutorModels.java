package org.efuf4j.spark;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.efuf4j.efuf.pipeline.FormationModels;
import org.efuf4j.efuf.pipeline.ImageScoring;

/**
 * The models of an executor JVM, loaded once and kept for every later task and job: a task borrows an opened
 * {@link ImageScoring} and gives it back. A second instance is opened only when two tasks run at once (an executor with
 * two cores); weights are memory-mapped files, so instances share their pages.
 */
final class ExecutorModels {
    private static final Map<FormationModels, Queue<ImageScoring>> IDLE = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    static ImageScoring borrow(FormationModels models) {
        ImageScoring s = IDLE.computeIfAbsent(models, m -> new ConcurrentLinkedQueue<>()).poll();
        return s != null ? s : models.open();
    }

    static void giveBack(FormationModels models, ImageScoring scoring) {
        IDLE.get(models).add(scoring);
    }
}

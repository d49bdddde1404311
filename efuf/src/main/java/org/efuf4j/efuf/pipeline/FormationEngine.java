package org.efuf4j.efuf.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * An engine that runs dataset formation's per-image work elsewhere than in this thread, such as a Spark cluster. Found
 * at run time as a service (as device backends are), so the method and the command line do not depend on it; the
 * forming of D+/D-/Ds stays in {@link DatasetFormation}, on the records the engine returns.
 */
public interface FormationEngine {
    /** The name {@code efuf form-dataset --engine NAME} selects. */
    String name();

    /**
     * Lists the images and starts what runs the work.
     *
     * @param images     a folder of images or a manifest file of image paths, in any file system the engine reads
     * @param models     what every worker opens once
     * @param master     where to run (for Spark a master URL); null for the engine's default
     * @param partitions how many pieces to cut the images into; 0 for the engine's default
     */
    Job prepare(String images, FormationModels models, String master, int partitions);

    /** A prepared run over one image listing; closing it releases the engine. */
    interface Job extends CaptionScoringStage.Engine, AutoCloseable {
        /** Every image name, sorted: the order records are written in. */
        List<String> names();

        /** Digest of the listing (names and sizes), as {@code Digests.ofListing} gives for a local folder. */
        String listing();

        @Override void close();
    }

    /** The engine of that name on the class path; an error listing those there are when it is missing. */
    static FormationEngine find(String name) {
        List<String> found = new ArrayList<>();
        for (FormationEngine e : ServiceLoader.load(FormationEngine.class)) {
            if (e.name().equals(name)) return e;
            found.add(e.name());
        }
        throw new IllegalArgumentException("no dataset-formation engine '" + name + "' on the class path (found: "
                + (found.isEmpty() ? "none" : String.join(", ", found)) + "); the Spark engine is the efuf4j-spark module:"
                + " build it with 'mvn package' and run bin/efuf, which adds it when --engine spark is given");
    }
}

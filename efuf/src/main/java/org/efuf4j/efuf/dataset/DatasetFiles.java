package org.efuf4j.efuf.dataset;

import java.nio.file.Path;
import java.util.List;
import org.efuf4j.efuf.io.JsonlReader;
import org.efuf4j.efuf.io.JsonlWriter;

/** D+, D- and Ds as JSONL files of {@link UnlearningSample} records. */
public final class DatasetFiles {
    private DatasetFiles() {}

    public static void append(Path file, List<UnlearningSample> samples) {
        try (JsonlWriter writer = JsonlWriter.append(file, false)) {
            for (UnlearningSample s : samples) {
                writer.write(s);
            }
        }
    }

    /** Every record checked against the schema; errors name the file, the line and the field. */
    public static List<UnlearningSample> read(Path file) {
        return JsonlReader.read(file, UnlearningSample.class, DatasetFiles::check).records();
    }

    private static void check(UnlearningSample s, String where) {
        List<String> missing = new java.util.ArrayList<>();
        if (s.kind() == null) missing.add("kind");
        if (s.image() == null) missing.add("image");
        if (s.context() == null) missing.add("context");
        if (s.target() == null) missing.add("target");
        if (!missing.isEmpty())
            throw new IllegalArgumentException(where + ": a dataset record needs kind, image, context and target; "
                    + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " missing or null");
        if (s.target().isBlank()) throw new IllegalArgumentException(where + ": field 'target' is empty: there is no text to learn or unlearn");
        if (s.kind() != UnlearningSample.Kind.SENTENCE && (s.object() == null || s.object().isBlank()))
            throw new IllegalArgumentException(where + ": a " + s.kind().name().toLowerCase() + " record needs its 'object'");
        if (Double.isNaN(s.score())) throw new IllegalArgumentException(where + ": field 'score' must be a number, got NaN");
    }
}

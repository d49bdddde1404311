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

    public static List<UnlearningSample> read(Path file) {
        List<UnlearningSample> samples = JsonlReader.read(file, UnlearningSample.class).records();
        for (int i = 0; i < samples.size(); i++) {
            UnlearningSample s = samples.get(i);
            if (s.kind() == null || s.image() == null || s.target() == null || s.context() == null) {
                throw new IllegalArgumentException(file + " record " + (i + 1)
                        + ": fields kind, image, context and target are required, got " + s);
            }
        }
        return samples;
    }
}

package org.efuf4j.spark;

import java.util.ArrayList;
import java.util.List;

import org.efuf4j.cli.EfufCommand;

/**
 * The application jar's main class for {@code spark-submit}: {@code efuf form-dataset --engine spark} with the given
 * options; the master and memory come from spark-submit (or {@code --master}).
 */
public final class FormDatasetApplication {
    private FormDatasetApplication() {}

    public static void main(String[] args) {
        List<String> all = new ArrayList<>(List.of("form-dataset", "--engine", "spark"));
        all.addAll(List.of(args));
        EfufCommand.main(all.toArray(String[]::new));
    }
}

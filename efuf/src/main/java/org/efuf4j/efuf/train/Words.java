package org.efuf4j.efuf.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** How a command-line word picks one of a type's constants: case and surrounding spaces ignored, every word listed when none fits. */
final class Words {
    private Words() {}

    static <E> E of(E[] values, Function<E, String> word, String option, String given) {
        String w = given.strip().toLowerCase(Locale.ROOT);
        for (E e : values) if (word.apply(e).equals(w)) return e;
        throw new IllegalArgumentException(option + " must be one of " + list(values, word) + "; got " + given);
    }

    static <E> String list(E[] values, Function<E, String> word) {
        return Arrays.stream(values).map(word).collect(Collectors.joining(", "));
    }
}

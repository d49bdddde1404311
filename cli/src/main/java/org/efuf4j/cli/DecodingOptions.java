package org.efuf4j.cli;

import org.efuf4j.models.generate.Decoding;
import picocli.CommandLine.Option;

/** How captions are decoded: greedy, sampling or beam search. */
final class DecodingOptions {
    enum Kind { greedy, sample, beam }

    @Option(names = "--decoding", description = "greedy, sample or beam (default: greedy for dataset formation)")
    Kind kind;

    @Option(names = "--beams", defaultValue = "5", description = "beams for --decoding beam (default: ${DEFAULT-VALUE})")
    int beams;

    @Option(names = "--temperature", defaultValue = "1.0", description = "for --decoding sample (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus mass for --decoding sample (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--decoding-seed", defaultValue = "0", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    Decoding decoding(Kind fallback) {
        return switch (kind == null ? fallback : kind) {
            case greedy -> Decoding.GREEDY;
            case sample -> new Decoding.Sampling(temperature, topP, seed);
            case beam -> new Decoding.BeamSearch(beams, 1.0);
        };
    }
}

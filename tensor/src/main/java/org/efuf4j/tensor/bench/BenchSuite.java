package org.efuf4j.tensor.bench;

/**
 * One family of benchmarks run by {@code efuf bench NAME}. Implementations are registered in
 * {@code META-INF/services/org.efuf4j.tensor.bench.BenchSuite} of their module.
 */
public interface BenchSuite {
    /** The name on the command line, e.g. {@code gemm}. */
    String name();

    String description();

    void run(BenchContext ctx) throws Exception;
}

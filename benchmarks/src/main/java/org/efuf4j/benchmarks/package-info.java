/**
 * JMH micro-benchmarks of the CPU kernels (GEMM, matrix-vector, attention) through the public backend API. The
 * user-facing end-to-end measurements stay in {@code efuf bench}; these are for comparing kernel changes under JMH's
 * forks, warm-up and blackholes. Build with the reactor, then {@code java -jar benchmarks/target/benchmarks.jar Gemm}.
 */
package org.efuf4j.benchmarks;

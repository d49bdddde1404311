/** Real-size benchmarks and fixtures: synthetic sharded BF16 checkpoints, the {@code decode} bench suite. */
package org.efuf4j.models.bench;

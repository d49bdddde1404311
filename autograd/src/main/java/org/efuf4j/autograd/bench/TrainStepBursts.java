package org.efuf4j.autograd.bench;

import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.bench.Bursts;

/**
 * Train-step bursts of the {@code train-step} benchmark model for {@code scripts/bench/train_step_interleaved.py}
 * ({@link Bursts} protocol; the workload words are {@code batch seq}). Usage: {@code java ... TrainStepBursts <threads>}.
 */
public final class TrainStepBursts {
    private TrainStepBursts() {}

    public static void main(String[] args) throws Exception {
        Parallel.setThreads(args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors());
        Bursts.serve(words -> TrainStepBenchSuite.step(Integer.parseInt(words.get(0)), Integer.parseInt(words.get(1))));
    }
}

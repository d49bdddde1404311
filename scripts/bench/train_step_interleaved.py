#!/usr/bin/python3
"""The train-step benchmark, efuf4j against PyTorch, in alternating bursts (see gemm_interleaved.py for why).

Each round runs a burst of torch steps and a burst of efuf4j steps (org.efuf4j.autograd.bench.TrainStepBursts, a
long-lived JVM) back to back; the report gives the median step of each side over the rounds and the median of the
per-round ratios. Same model and batch as torch_train_step.py and `efuf bench train-step`.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/bench/train_step_interleaved.py [--rounds 7] [--seconds 4]
Needs the project built (bin/efuf or mvn package). Prints:
    train-step-interleaved d_model=256 layers=4 seq=64 batch=16 threads=2 rounds=7 torch_ms=350.1 efuf4j_ms=410.7 ratio=1.17
(ratio = efuf4j time / torch time; below 1 means efuf4j is faster)
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_train_step as ref  # noqa: E402  (sets torch to 2 threads)
from gemm_interleaved import burst, request_burst, start_bursts_jvm, stop_bursts_jvm  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--seconds", type=float, default=4.0, help="length of each burst")
    args = p.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lib = os.path.join(root, "cli", "target", "lib")
    if not os.path.isdir(lib):
        raise SystemExit("build the project first (bin/efuf --help): no cli/target/lib")
    jvm = start_bursts_jvm(os.path.join(lib, "*"), "org.efuf4j.autograd.bench.TrainStepBursts", "2")

    def java_burst(seconds):
        return request_burst(jvm, [ref.B, ref.T], seconds)

    step = ref.make_step()
    burst(step, 2.0)  # torch warm-up; the JVM warms itself until its JIT is quiet on first request
    java_burst(1.0)
    torch_ms, ours_ms = [], []
    for r in range(args.rounds):
        if r % 2 == 0:
            torch_ms.append(1e3 * burst(step, args.seconds))
            ours_ms.append(1e3 * java_burst(args.seconds))
        else:
            ours_ms.append(1e3 * java_burst(args.seconds))
            torch_ms.append(1e3 * burst(step, args.seconds))
    stop_bursts_jvm(jvm)
    ratios = [o / t for o, t in zip(ours_ms, torch_ms)]
    print(f"train-step-interleaved d_model={ref.D} layers={ref.L} seq={ref.T} batch={ref.B} threads=2 rounds={args.rounds} "
          f"torch_ms={statistics.median(torch_ms):.1f} efuf4j_ms={statistics.median(ours_ms):.1f} ratio={statistics.median(ratios):.3f} "
          f"ratio_min={min(ratios):.3f} ratio_max={max(ratios):.3f}", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The train-step benchmark, efuf4j against PyTorch, in alternating bursts (see gemm_interleaved.py for why).

Each round runs a burst of torch steps and a burst of efuf4j steps (org.efuf4j.autograd.bench.TrainStepBursts, a
long-lived JVM) back to back; the report gives the median step of each side over the rounds and the median of the
per-round ratios. Same model and batch as torch_train_step.py and `efuf bench train-step`.

torch also runs once more in its own process with no JVM beside it (torch_alone_ms, torch_train_step.py).

    /usr/bin/python3 scripts/bench/train_step_interleaved.py [--rounds 7] [--seconds 4]
(the script unsets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE itself before torch loads and prints the OpenBLAS core; see
reference_env.py).
Needs the autograd module packaged with its dependencies listed (see --classpath). Prints a header, then:
    train-step-interleaved d_model=256 layers=4 seq=64 batch=16 threads=2 rounds=7 torch_ms=350.1 efuf4j_ms=410.7 ratio=1.17 ... torch_alone_ms=345.0
(ratio = efuf4j time / torch time; below 1 means efuf4j is faster)
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_env  # noqa: E402

reference_env.honest()  # re-runs without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (they pin OpenBLAS to an older kernel)
import torch_train_step as ref  # noqa: E402  (sets torch to 2 threads)
from gemm_interleaved import burst, request_burst, start_bursts_jvm, stop_bursts_jvm  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--seconds", type=float, default=4.0, help="length of each burst")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p.add_argument("--classpath", default=os.path.join(root, "cli", "target", "lib", "*"),
                   help="the JVM's classpath: the autograd module and its dependencies (default: the launcher's lib folder)")
    args = p.parse_args()
    if args.classpath.endswith("*") and not os.path.isdir(os.path.dirname(args.classpath)):
        raise SystemExit(f"build the project first (bin/efuf --help), or pass --classpath: no {os.path.dirname(args.classpath)}")
    reference_env.describe()
    jvm = start_bursts_jvm(args.classpath, "org.efuf4j.autograd.bench.TrainStepBursts", "2")

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
    # torch alone, in a process of its own with no JVM beside it
    alone_run = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_train_step.py")],
                               capture_output=True, text=True, check=True)
    torch_alone_ms = float(re.search(r" ms=([0-9.]+)", alone_run.stdout).group(1))
    ratios = [o / t for o, t in zip(ours_ms, torch_ms)]
    print(f"train-step-interleaved d_model={ref.D} layers={ref.L} seq={ref.T} batch={ref.B} threads=2 rounds={args.rounds} "
          f"torch_ms={statistics.median(torch_ms):.1f} efuf4j_ms={statistics.median(ours_ms):.1f} ratio={statistics.median(ratios):.3f} "
          f"ratio_min={min(ratios):.3f} ratio_max={max(ratios):.3f} torch_alone_ms={torch_alone_ms:.1f}", flush=True)


if __name__ == "__main__":
    main()

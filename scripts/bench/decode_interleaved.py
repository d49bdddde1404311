#!/usr/bin/python3
"""The decode benchmark (efuf4j, LLaMA-7B layer shapes, BF16, mapped) against NumPy's 2-thread F32 matrix-vector product,
in alternating bursts (see gemm_interleaved.py for why).

The reference is taken at two working sets: one 8192 x 8192 F32 matrix (256 MiB, the size BENCHMARKS.md quoted) and eight
of them (2 GiB, about what one decode step reads: 1.9 GB). On a host whose last-level cache is hundreds of MiB the small
one is partly served from cache while a decode step streams from memory, so the two ratios bracket the comparison.
Rates are GB/s of weights read (F32 bytes for NumPy, BF16 bytes for efuf4j: each side's own traffic).

    /usr/bin/python3 scripts/bench/decode_interleaved.py [--rounds 7] [--steps 8]
(the script unsets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE itself and prints the OpenBLAS core; see reference_env.py).
Needs the project built (bin/efuf --help). Prints a header, then:
    decode-interleaved threads=2 rounds=7 efuf4j_gbs=20.5 numpy_256mib_gbs=26.2 numpy_2gib_gbs=24.2 ratio_256mib=0.78 ratio_2gib=0.87 load=...
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_env  # noqa: E402

# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE pin OpenBLAS to an older kernel: honest() re-runs this script without them
# (and with OMP_WAIT_POLICY=PASSIVE) before numpy loads, and describe() prints the core it then runs
reference_env.honest()
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")  # read by OpenBLAS when numpy loads: two threads, as efuf4j's side
import numpy as np  # noqa: E402
from gemm_interleaved import start_bursts_jvm, stop_bursts_jvm  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--steps", type=int, default=8, help="decode steps per efuf4j burst (about 0.1 s each)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p.add_argument("--classpath", default=os.path.join(root, "cli", "target", "lib", "*"))
    args = p.parse_args()
    reference_env.describe()
    jvm = start_bursts_jvm(args.classpath, "org.efuf4j.models.bench.DecodeBursts", "2")
    header = jvm.stdout.readline().strip()
    if not header.startswith("weight_bytes="):
        raise SystemExit(f"DecodeBursts answered {header!r}")
    weight_bytes = int(header.split("=", 1)[1])

    def decode():
        # a burst of about `steps` steps: the median step, as GB/s of weights
        jvm.stdin.write(f"step {0.1 * args.steps}\n")
        jvm.stdin.flush()
        line = jvm.stdout.readline().strip()
        return weight_bytes / float(line.split("=", 1)[1]) / 1e9

    rng = np.random.default_rng(0)
    x = rng.standard_normal(8192, dtype=np.float32)
    small = [rng.standard_normal((8192, 8192), dtype=np.float32)]
    large = [rng.standard_normal((8192, 8192), dtype=np.float32) for _ in range(8)]

    def numpy_rate(ws, passes):
        t0 = time.perf_counter()
        for _ in range(passes):
            for w in ws:
                w @ x
        return sum(w.nbytes for w in ws) * passes / (time.perf_counter() - t0) / 1e9

    numpy_rate(small, 3), numpy_rate(large, 1), decode()
    sides = {"efuf4j": decode, "numpy_256mib": lambda: numpy_rate(small, 8), "numpy_2gib": lambda: numpy_rate(large, 1)}
    rates = {k: [] for k in sides}
    for r in range(args.rounds):
        order = list(sides.items())
        if r % 2:
            order.reverse()  # alternate who goes first
        for k, f in order:
            rates[k].append(f())
    stop_bursts_jvm(jvm)
    med = {k: statistics.median(v) for k, v in rates.items()}
    r256 = statistics.median(e / n for e, n in zip(rates["efuf4j"], rates["numpy_256mib"]))
    r2g = statistics.median(e / n for e, n in zip(rates["efuf4j"], rates["numpy_2gib"]))
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"decode-interleaved threads=2 rounds={args.rounds} efuf4j_gbs={med['efuf4j']:.1f} numpy_256mib_gbs={med['numpy_256mib']:.1f} "
          f"numpy_2gib_gbs={med['numpy_2gib']:.1f} ratio_256mib={r256:.3f} ratio_2gib={r2g:.3f} load={load}", flush=True)


if __name__ == "__main__":
    main()
